package buffer

import "sync/atomic"

// On-demand compaction.
//
// Badger's compactors wake every 50 ms whether there is work or not: with
// two of them an idle agent woke 40 times a second for nothing (issue 15).
// With Options.NumCompactors 0 Badger runs none, and this file compacts
// instead, only when there is something to compact: after a commit (and
// at open) that finds NumLevelZeroTables tables on level 0, one goroutine
// merges level 0 into the tree (Badger's Flatten) and ends. Level 0 fills
// only when a memtable is flushed (MemTableSize of writes, or a restart),
// so this runs rarely; writes stall only at NumLevelZeroTablesStall tables,
// which a compaction started at NumLevelZeroTables never lets happen.

// compactor runs at most one on-demand compaction at a time.
type compactor struct {
	running atomic.Bool
	runs    atomic.Int64 // compactions finished, for tests
}

// maybeCompact starts a compaction in the background when level 0 holds
// enough tables and none is running. It does nothing when Badger runs
// its own compactors.
func (db *DB) maybeCompact() {
	if db.opts.NumCompactors != 0 || db.opts.NumLevelZeroTables <= 0 {
		return
	}
	lv := db.bdb.Levels()
	if len(lv) == 0 || lv[0].NumTables < db.opts.NumLevelZeroTables {
		return
	}
	if !db.compactor.running.CompareAndSwap(false, true) {
		return
	}
	if err := db.enter(); err != nil { // closing: the next open compacts
		db.compactor.running.Store(false)
		return
	}
	go func() {
		defer db.leave()
		defer db.compactor.running.Store(false)
		if err := db.bdb.Flatten(1); err != nil {
			db.log.Warn("buffer: compaction", "err", err)
			return
		}
		db.compactor.runs.Add(1)
	}()
}
