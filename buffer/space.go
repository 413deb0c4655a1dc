package buffer

import (
	"fmt"
	"sync"
	"time"
)

// spaceGuard refuses growing writes while the database's file system has
// less than Options.MinFreeBytes free. Badger writes its write-ahead log
// and value log through memory maps of preallocated sparse files: on a
// full file system such a write faults (SIGBUS) instead of returning
// ENOSPC. Keeping a reserve of at least two memtables and one value-log
// file turns "disk full" into a clear error while there is still room for
// Badger to finish what it has started (flush, compaction, deletes).
type spaceGuard struct {
	dir     string
	reserve int64
	now     func() time.Time

	mu      sync.Mutex
	checked time.Time
	free    int64
	err     error
}

// spaceRecheck is how long one free-space reading is trusted.
const spaceRecheck = 250 * time.Millisecond

// check returns an error wrapping ErrDiskFull when free space is below
// the reserve.
func (g *spaceGuard) check() error {
	if g == nil || g.reserve <= 0 {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if now.Sub(g.checked) >= spaceRecheck || now.Before(g.checked) {
		g.free, g.err = freeBytes(g.dir)
		g.checked = now
	}
	if g.err != nil {
		return nil // unknown: let the write try
	}
	if g.free < g.reserve {
		return fmt.Errorf("%w: %d bytes free in %s, %d reserved for the database", ErrDiskFull, g.free, g.dir, g.reserve)
	}
	return nil
}

// Free returns the bytes available to the database's file system, or -1
// when unknown.
func (db *DB) Free() int64 {
	n, err := freeBytes(db.dir)
	if err != nil {
		return -1
	}
	return n
}
