package sysinfo

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func TestFreeBytes(t *testing.T) {
	dir := t.TempDir()
	n, err := FreeBytes(dir)
	if err != nil || n <= 0 {
		t.Fatalf("FreeBytes(%s) = %d, %v", dir, n, err)
	}
	// A data_dir that does not exist yet is measured at its parent.
	m, err := FreeBytes(filepath.Join(dir, "not", "yet"))
	if err != nil || m <= 0 {
		t.Fatalf("FreeBytes(missing) = %d, %v", m, err)
	}
}

func TestClockSynced(t *testing.T) {
	c, err := ClockSynced(context.Background())
	if errors.Is(err, ErrUnknown) {
		t.Skip("clock state not known on this platform")
	}
	if err != nil {
		t.Fatal(err)
	}
	if c.How != "timedatectl" && c.How != "adjtimex" {
		t.Errorf("How = %q", c.How)
	}
	t.Logf("clock synchronised: %v (via %s)", c.Synced, c.How)
}

func TestKernelClock(t *testing.T) {
	c, err := KernelClock()
	if errors.Is(err, ErrUnknown) {
		t.Skip("clock state not known on this platform")
	}
	if err != nil {
		t.Fatal(err)
	}
	if c.How != "adjtimex" {
		t.Errorf("How = %q", c.How)
	}
	t.Logf("clock synchronised: %v", c.Synced)
}
