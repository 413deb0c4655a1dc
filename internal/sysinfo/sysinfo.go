// Package sysinfo answers two questions about the machine a lane runs on
// that no Go standard package answers portably: how much disk is left for
// the journal, and whether the clock is synchronised (alert times and the
// matching of printer and terminal events depend on it).
package sysinfo

import (
	"errors"
	"os"
	"path/filepath"
)

// ErrUnknown means the platform cannot tell.
var ErrUnknown = errors.New("sysinfo: not known on this platform")

// FreeBytes returns the bytes an unprivileged process may still write on
// the file system that holds path. A path that does not exist yet is
// measured at its nearest existing parent (a data_dir before first start).
func FreeBytes(path string) (int64, error) {
	p := path
	for {
		if _, err := os.Stat(p); err == nil {
			return freeBytes(p)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return freeBytes(p)
		}
		p = parent
	}
}

// Clock says whether the system clock is synchronised to a time source.
type Clock struct {
	Synced bool
	// How names the source of the answer: "timedatectl" or "adjtimex".
	How string
}
