package buffer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
)

var (
	// ErrNotFound is returned by Store.Get for a missing key.
	ErrNotFound = errors.New("buffer: not found")
	// ErrLocked is returned by Open when another process (or another DB in
	// this process) has the directory open.
	ErrLocked = errors.New("buffer: database directory is locked by another process")
	// ErrClosed is returned by operations on a closed DB.
	ErrClosed = errors.New("buffer: database closed")
)

// DB is an open Badger database holding queues and stores.
type DB struct {
	bdb   *badger.DB
	dir   string
	opts  Options
	space *spaceGuard
	log   *slog.Logger
	now   func() time.Time

	commit    *committer
	compactor compactor // on-demand compaction (compact.go)

	// Operations in flight are counted in busy; Close sets closed, then
	// waits for busy to drop to 0. Unlike an RWMutex this lets an
	// operation started inside another one's callback (a Put in a Scan
	// callback) fail with ErrClosed instead of deadlocking with Close.
	life   sync.Mutex
	idle   *sync.Cond // signalled when busy drops to 0
	busy   int
	closed bool

	mu     sync.Mutex // guards queues and stores
	queues map[string]*Queue
	stores map[string]*Store

	stop chan struct{}  // closed by Close: stops RunGC loops
	gcWG sync.WaitGroup // RunGC loops still running

	gcMu   sync.Mutex
	gcHeld []func() // release the files of GC rewrites not yet synced (gcFile)
}

// Open opens (or creates) the database in dir. A nil log discards Badger's
// messages.
func Open(dir string, opts Options, log *slog.Logger) (*DB, error) {
	if dir == "" {
		return nil, errors.New("buffer: open: empty directory name")
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	bdb, err := badger.Open(opts.badgerOptions(dir, log))
	if err != nil {
		// Badger flattens the flock error into text.
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, fmt.Errorf("buffer: open %s: %w (%v)", dir, ErrLocked, err)
		}
		return nil, fmt.Errorf("buffer: open %s: %w", dir, err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	db := &DB{
		bdb: bdb, dir: dir, opts: opts, log: log, now: now,
		space:  &spaceGuard{dir: dir, reserve: opts.MinFreeBytes, now: time.Now},
		commit: newCommitter(bdb, dir, opts),
		queues: map[string]*Queue{},
		stores: map[string]*Store{},
		stop:   make(chan struct{}),
	}
	db.idle = sync.NewCond(&db.life)
	db.commit.after = db.maybeCompact
	db.maybeCompact() // tables a previous run left on level 0
	return db, nil
}

// Close stops RunGC loops, waits for operations in flight and closes the
// database. It is safe to call more than once; operations after Close
// return ErrClosed.
func (db *DB) Close() error {
	db.life.Lock()
	if db.closed {
		db.life.Unlock()
		return nil
	}
	db.closed = true
	close(db.stop)
	for db.busy > 0 {
		db.idle.Wait()
	}
	db.life.Unlock()
	db.gcWG.Wait()
	var serr error
	if db.opts.SyncWrites {
		// Lazy writes (Batch.CommitLazy): Badger's close writes the
		// memtable out as a synced table, but not every value-log file.
		// A failure is the caller's to know: lazy writes may be lost.
		if err := db.commit.syncLogs(true); err != nil {
			serr = fmt.Errorf("buffer: close: %w", err)
		}
	}
	db.gcMu.Lock()
	for _, release := range db.gcHeld { // Badger closes with no iterator open
		release()
	}
	db.gcHeld = nil
	db.gcMu.Unlock()
	if err := db.bdb.Close(); err != nil {
		return errors.Join(serr, fmt.Errorf("buffer: close: %w", err))
	}
	return serr
}

// Commits returns how many transactions this DB committed since Open:
// with Options.SyncWrites each is one fsync of the write-ahead log, but
// those of lazy batches only (Batch.CommitLazy).
func (db *DB) Commits() int64 { return db.commit.txns.Load() }

// Sync makes every write committed so far durable: the lazy ones
// (Batch.CommitLazy) not yet synced by a later commit. It does nothing
// when there are none, or with Options.SyncWrites off.
func (db *DB) Sync() error {
	if err := db.enter(); err != nil {
		return fmt.Errorf("buffer: sync: %w", err)
	}
	defer db.leave()
	if err := db.commit.syncNow(false); err != nil {
		return fmt.Errorf("buffer: %w", err)
	}
	return nil
}

// enter marks an operation in flight; it fails once the DB is closed.
// Every successful enter is paired with leave.
func (db *DB) enter() error {
	db.life.Lock()
	defer db.life.Unlock()
	if db.closed {
		return ErrClosed
	}
	db.busy++
	return nil
}

func (db *DB) leave() {
	db.life.Lock()
	defer db.life.Unlock()
	if db.busy--; db.busy == 0 {
		db.idle.Broadcast()
	}
}

// RunGC runs value-log garbage collection every interval until ctx is done
// or the DB is closed. Call it in its own goroutine; errors other than
// "nothing to collect" are logged.
func (db *DB) RunGC(ctx context.Context, every time.Duration) {
	db.life.Lock()
	if db.closed {
		db.life.Unlock()
		return
	}
	db.gcWG.Add(1)
	db.life.Unlock()
	defer db.gcWG.Done()

	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-db.stop:
			return
		case <-t.C:
		}
		n, err := db.gcOnce()
		if err != nil {
			db.log.Warn("buffer: value log gc", "err", err)
		} else if n > 0 {
			db.log.Debug("buffer: value log gc", "rewritten", n)
		}
	}
}

// gcOnce rewrites value-log files while there is enough garbage; it returns
// how many files it rewrote.
func (db *DB) gcOnce() (int, error) {
	for n := 0; ; n++ {
		select {
		case <-db.stop:
			return n, nil
		default:
		}
		err := db.gcFile()
		switch {
		case err == nil:
		case errors.Is(err, badger.ErrNoRewrite), errors.Is(err, badger.ErrRejected):
			return n, nil
		default:
			return n, fmt.Errorf("buffer: value log gc: %w", err)
		}
	}
}

// gcFile rewrites one value-log file. Badger writes the values it moves
// like any commit, unsynced (commit.go), and deletes the old file at once
// unless an iterator is open: one is held open until the moved values are
// synced, so a power cut never finds them in neither file.
func (db *DB) gcFile() error {
	if err := db.releaseGC(); err != nil {
		return err
	}
	txn := db.bdb.NewTransaction(false)
	it := txn.NewIterator(badger.IteratorOptions{})
	release := func() {
		it.Close() // deletes the rewritten file, if there is one
		txn.Discard()
	}
	err := db.bdb.RunValueLogGC(db.opts.GCDiscardRatio)
	if err == nil && db.opts.SyncWrites {
		if serr := db.commit.syncNow(true); serr != nil {
			// The moved values may not be on disk: the rewritten file
			// stays until a sync succeeds (releaseGC).
			db.gcMu.Lock()
			db.gcHeld = append(db.gcHeld, release)
			db.gcMu.Unlock()
			return serr
		}
	}
	release()
	return err
}

// releaseGC lets Badger delete the value-log files of rewrites whose sync
// failed, once a sync succeeds; on a failure they stay.
func (db *DB) releaseGC() error {
	db.gcMu.Lock()
	defer db.gcMu.Unlock()
	if len(db.gcHeld) == 0 {
		return nil
	}
	if err := db.commit.syncNow(true); err != nil {
		return fmt.Errorf("buffer: value log gc: %w", err)
	}
	for _, release := range db.gcHeld {
		release()
	}
	db.gcHeld = nil
	return nil
}

// checkName accepts names usable as one key path segment.
func checkName(kind, name string) error {
	if name == "" || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("buffer: %s name %q: must be non-empty and contain no '/'", kind, name)
	}
	return nil
}

// Queue returns the durable FIFO called name (keys under "q/<name>/").
// The same name returns the same *Queue. An invalid name (empty or with a
// '/') yields a Queue whose every method returns an error.
func (db *DB) Queue(name string) *Queue {
	db.mu.Lock()
	defer db.mu.Unlock()
	if q, ok := db.queues[name]; ok {
		return q
	}
	q := newQueue(db, name)
	db.queues[name] = q
	return q
}

// Store returns the ordered keyed store called name (keys under
// "s/<name>/"). The same name returns the same *Store. An invalid name
// yields a Store whose every method returns an error.
func (db *DB) Store(name string) *Store {
	db.mu.Lock()
	defer db.mu.Unlock()
	if s, ok := db.stores[name]; ok {
		return s
	}
	s := newStore(db, name)
	db.stores[name] = s
	return s
}
