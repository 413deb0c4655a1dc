package link

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"go.bug.st/serial/enumerator"
)

// byIDDir holds udev's stable names of serial ports on Linux.
const byIDDir = "/dev/serial/by-id"

// PortInfo describes a serial port found on this machine.
type PortInfo struct {
	// Path is the port: /dev/ttyUSB0, COM3.
	Path string `json:"path"`
	// ByID lists the stable /dev/serial/by-id/... names of the port
	// (Linux). Configs should use them: ttyUSB numbers change on replug.
	ByID []string `json:"by_id,omitempty"`
	// USB is true for USB adapters; VID, PID and Serial are then set
	// when the OS knows them (no active probing is done).
	USB    bool   `json:"usb,omitempty"`
	VID    string `json:"vid,omitempty"`
	PID    string `json:"pid,omitempty"`
	Serial string `json:"serial,omitempty"`
}

// ListPorts lists the serial ports of this machine (go.bug.st/serial's
// enumerator: sysfs on Linux, SetupAPI on Windows), sorted by path, with
// their by-id names. It opens no port.
func ListPorts() ([]PortInfo, error) {
	details, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, fmt.Errorf("link: list ports: %w", err)
	}
	ports := make([]PortInfo, 0, len(details))
	for _, d := range details {
		ports = append(ports, PortInfo{Path: d.Name, USB: d.IsUSB, VID: d.VID, PID: d.PID, Serial: d.SerialNumber})
	}
	if err := addByID(ports, byIDDir); err != nil {
		return nil, err
	}
	slices.SortFunc(ports, func(a, b PortInfo) int { return cmp.Compare(a.Path, b.Path) })
	return ports, nil
}

// addByID fills ByID from the symlinks in dir. A missing dir (no USB
// serial adapter plugged, or not Linux) is not an error.
func addByID(ports []PortInfo, dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("link: list ports: %w", err)
	}
	for _, e := range entries {
		link := filepath.Join(dir, e.Name())
		target, err := filepath.EvalSymlinks(link)
		if err != nil {
			continue // a dangling link: its device is gone
		}
		for i := range ports {
			if p, err := filepath.EvalSymlinks(ports[i].Path); err == nil && p == target {
				ports[i].ByID = append(ports[i].ByID, link)
			}
		}
	}
	return nil
}
