//go:build !windows

package link

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestAddByID(t *testing.T) {
	a, b := newPTY(t), newPTY(t)
	dir := t.TempDir()
	links := map[string]string{
		"usb-EPSON_TM-T88V-if00-port0": a.Path,
		"usb-FTDI_FT232R_A1-if00":      a.Path,
		"usb-Ingenico_Move5000-if00":   b.Path,
		"usb-gone-if00":                filepath.Join(dir, "nothing"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	ports := []PortInfo{{Path: a.Path}, {Path: b.Path}, {Path: "/dev/ttyS0"}}
	if err := addByID(ports, dir); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{filepath.Join(dir, "usb-EPSON_TM-T88V-if00-port0"), filepath.Join(dir, "usb-FTDI_FT232R_A1-if00")},
		{filepath.Join(dir, "usb-Ingenico_Move5000-if00")},
		nil,
	}
	for i, p := range ports {
		slices.Sort(p.ByID)
		if !slices.Equal(p.ByID, want[i]) {
			t.Errorf("%s: ByID %v, want %v", p.Path, p.ByID, want[i])
		}
	}
	if err := addByID(ports, filepath.Join(dir, "missing")); err != nil {
		t.Fatalf("missing by-id dir: %v", err)
	}
}

func TestListPorts(t *testing.T) {
	ports, err := ListPorts()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(ports, func(a, b PortInfo) int { return cmp.Compare(a.Path, b.Path) }) {
		t.Fatalf("not sorted: %+v", ports)
	}
	for _, p := range ports {
		if _, err := os.Stat(p.Path); err != nil {
			t.Errorf("listed %s: %v", p.Path, err)
		}
	}
}
