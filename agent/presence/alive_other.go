//go:build !unix

package presence

import (
	"errors"
	"os"
)

// alive cannot tell here without opening the process; a LOCK file Badger
// left after a crash is readable, one it holds open is not (lockedOpen).
func alive(int) bool { return false }

// lockedOpen: Badger keeps its LOCK file open without sharing while the
// database is open, so reading it fails.
func lockedOpen(err error) bool { return !errors.Is(err, os.ErrPermission) }
