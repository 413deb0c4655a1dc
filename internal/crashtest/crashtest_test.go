package crashtest

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestCrashChild counts and writes a file per number until it is killed.
func TestCrashChild(t *testing.T) {
	dir := ChildDir(t)
	var ack Acker
	deadline := time.Now().Add(ChildLife)
	for i := 0; time.Now().Before(deadline); i++ {
		if err := os.WriteFile(filepath.Join(dir, strconv.Itoa(i)), nil, 0o600); err != nil {
			ack.Printf("error %v", err)
			os.Exit(3)
		}
		ack.Printf("%d", i)
	}
	os.Exit(4) // only reached when the parent never killed us
}

// TestRun: the child is killed after the line the parent chose, and what
// it acknowledged is there.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	last := -1
	Run(t, "TestCrashChild", dir, func(line string) bool {
		n, err := strconv.Atoi(line)
		if err != nil {
			t.Errorf("child: %s", line)
			return true
		}
		last = n
		return n == 20
	})
	if last < 20 {
		t.Fatalf("last acknowledged %d, want at least 20", last)
	}
	for i := 0; i <= 20; i++ {
		if _, err := os.Stat(filepath.Join(dir, strconv.Itoa(i))); err != nil {
			t.Errorf("acknowledged file %d: %v", i, err)
		}
	}
}
