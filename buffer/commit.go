package buffer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/skl"
)

// Group commit.
//
// Badger v4 queues concurrent commits into one write batch, but with
// SyncWrites it syncs its write-ahead log once per transaction in that batch
// (writeToLSM), so N concurrent synced commits still cost N fsyncs. This
// file batches instead at our level: every write of this package is an op;
// callers queue their ops, the first caller becomes the leader, applies all
// queued ops in one Badger transaction and commits it with one fsync, then
// hands leadership to a waiting caller. No goroutine of our own is needed.
// As the only writer of our keys, the committer never sees a conflict, and
// ops are applied (and counters advanced) in queue order.
//
// Syncing is ours too. Badger is opened without SyncWrites; after a
// transaction holding any op that must be durable when it returns, the
// leader syncs Badger's logs itself (syncLogs), which also makes durable
// every lazy op committed before it. A lazy op (Batch.CommitLazy) is
// written into Badger's memory-mapped logs before it returns, so it
// survives a crash of the process (the kernel's page cache holds it), but
// is not forced to disk until the next synced transaction or Sync.

// write is one key change planned by an op.
type write struct {
	key   []byte
	value []byte
	del   bool
	ttl   time.Duration
}

// batch is what an op's plan sees: the open transaction (reads see the
// writes of earlier ops in the same batch) and the persistent counters.
type batch struct {
	txn      *badger.Txn
	counters map[string]uint64 // counter key -> next value, written at commit
}

// reserve returns the first of n consecutive numbers from the counter under
// key. The counter is written atomically with the batch: no gaps, no
// repeats, across restarts and crashes.
func (b *batch) reserve(key []byte, n uint64) (uint64, error) {
	next, err := b.load(key, 1)
	if err != nil {
		return 0, err
	}
	b.counters[string(key)] = next + n
	return next, nil
}

// add adds delta to the counter under key (missing: 0), saturating at 0,
// and returns the new value. It is written with the batch like reserve.
func (b *batch) add(key []byte, delta int64) (uint64, error) {
	v, err := b.load(key, 0)
	if err != nil {
		return 0, err
	}
	switch {
	case delta >= 0:
		v += uint64(delta)
	case uint64(-delta) > v:
		v = 0
	default:
		v -= uint64(-delta)
	}
	b.counters[string(key)] = v
	return v, nil
}

// load returns the counter under key as this batch sees it, or def when
// it was never written.
func (b *batch) load(key []byte, def uint64) (uint64, error) {
	if v, ok := b.counters[string(key)]; ok {
		return v, nil
	}
	return readCounter(b.txn, key, def)
}

// readCounter reads a counter in txn; def when missing.
func readCounter(txn *badger.Txn, key []byte, def uint64) (uint64, error) {
	it, err := txn.Get(key)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		return def, nil
	case err != nil:
		return 0, err
	}
	var v uint64
	err = it.Value(func(b []byte) error {
		if len(b) != 8 {
			return fmt.Errorf("counter %s has %d bytes", key, len(b))
		}
		v = binary.BigEndian.Uint64(b)
		return nil
	})
	return v, err
}

// op is one caller's unit of work: plan reads in the batch and returns the
// writes to make. plan may run again on a fresh batch, so it must not keep
// state outside its return value except what it recomputes.
type op struct {
	plan func(b *batch) ([]write, error)
	lazy bool // need not be synced before it returns (Batch.CommitLazy)
	// force syncs even when no lazy transaction is known to wait: Badger
	// wrote without us (value-log GC, db.go gcFile).
	force bool
	done  chan result
}

type result struct {
	err  error
	lead bool // the receiver now leads the next batch
}

// committer runs ops in group-committed batches.
type committer struct {
	bdb       *badger.DB
	threshold int64 // value threshold, for size estimates
	maxSize   int64 // budget of one transaction, below Badger's limits
	maxCount  int64

	mu      sync.Mutex
	queue   []*op
	leading bool

	txns atomic.Int64 // transactions committed, for tests and stats

	// sync: synced ops are synced (Options.SyncWrites); dirty: a lazy
	// transaction was committed since the last sync; logs: Badger's log
	// files at the last sync (syncLogs). Leader only.
	sync  bool
	dirty bool
	logs  *logFiles
	// values: a value at least threshold long (kept in the value log)
	// was committed since the last sync. Leader only.
	values bool

	after func() // called after each committed transaction (compact.go)
}

func newCommitter(bdb *badger.DB, dir string, o Options) *committer {
	maxBatch := o.MemTableSize * 15 / 100 // Badger's maxBatchSize
	return &committer{
		bdb:       bdb,
		sync:      o.SyncWrites,
		logs:      newLogFiles(dir),
		threshold: o.ValueThreshold,
		maxSize:   maxBatch * 8 / 10,
		maxCount:  maxBatch / int64(skl.MaxNodeSize) * 8 / 10,
	}
}

// estimate is an upper bound of what Badger charges a write against its
// batch limits.
func (c *committer) estimate(w write) int64 {
	v := int64(len(w.value))
	if v >= c.threshold {
		v = 12 // value pointer
	}
	return int64(len(w.key)) + v + 24
}

// fits reports whether writes of this size fit in one transaction.
func (c *committer) fits(size, count int64) bool {
	return size <= c.maxSize && count <= c.maxCount
}

// do runs plan in the next batch and returns once that batch is durable.
func (c *committer) do(plan func(b *batch) ([]write, error)) error {
	return c.run1(&op{plan: plan, done: make(chan result, 1)})
}

// doLazy runs plan in the next batch and returns once that batch is
// written, synced or not (see op.lazy).
func (c *committer) doLazy(plan func(b *batch) ([]write, error)) error {
	return c.run1(&op{plan: plan, lazy: true, done: make(chan result, 1)})
}

// syncNow makes every transaction committed so far durable; force: even
// when none was lazy (see op.force).
func (c *committer) syncNow(force bool) error {
	return c.run1(&op{plan: func(*batch) ([]write, error) { return nil, nil }, force: force, done: make(chan result, 1)})
}

func (c *committer) run1(o *op) error {
	c.mu.Lock()
	c.queue = append(c.queue, o)
	if c.leading {
		c.mu.Unlock()
		r := <-o.done
		if !r.lead {
			return r.err
		}
		c.mu.Lock() // our op is still queued: lead the next batch
	} else {
		c.leading = true
	}
	ops := c.queue
	c.queue = nil
	c.mu.Unlock()

	c.run(ops)

	c.mu.Lock()
	if len(c.queue) > 0 {
		c.queue[0].done <- result{lead: true}
	} else {
		c.leading = false
	}
	c.mu.Unlock()
	return (<-o.done).err
}

// run applies ops in as few transactions as the size budget allows and
// reports each op's result.
func (c *committer) run(ops []*op) {
	for len(ops) > 0 {
		ops = c.runTxn(ops)
	}
}

// runTxn applies a prefix of ops in one transaction, commits it, reports
// their results and returns the ops still to run.
func (c *committer) runTxn(ops []*op) []*op {
	txn := c.bdb.NewTransaction(true)
	defer txn.Discard()
	b := &batch{txn: txn, counters: map[string]uint64{}}
	var size, count int64
	var planned []*op // ops whose writes are in txn
	for i, o := range ops {
		saved := make(map[string]uint64, len(b.counters))
		for k, v := range b.counters {
			saved[k] = v
		}
		ws, err := o.plan(b)
		if err != nil {
			b.counters = saved
			o.done <- result{err: err}
			continue
		}
		s, n := int64(0), int64(len(ws)+len(b.counters))
		for _, w := range ws {
			s += c.estimate(w)
		}
		s += int64(len(b.counters)) * 40
		if len(planned) > 0 && !c.fits(size+s, count+n) {
			// Leave this op and the rest to the next transaction.
			b.counters = saved
			return c.commit(txn, b.counters, count, planned, ops[i:])
		}
		if err := apply(txn, ws); err != nil {
			// txn now holds part of this op: drop the transaction, fail
			// this op alone and run the others again.
			o.done <- result{err: err}
			return append(planned, ops[i+1:]...)
		}
		size, count = size+s, count+int64(len(ws))
		planned = append(planned, o)
		for _, w := range ws {
			c.values = c.values || !w.del && int64(len(w.value)) >= c.threshold
		}
	}
	return c.commit(txn, b.counters, count, planned, nil)
}

// commit writes the counters, commits txn (n writes), reports the result
// to planned and returns rest.
func (c *committer) commit(txn *badger.Txn, counters map[string]uint64, n int64, planned, rest []*op) []*op {
	lazy, force := true, false
	for _, o := range planned {
		lazy = lazy && o.lazy
		force = force || o.force
	}
	var err error
	if n > 0 || len(counters) > 0 {
		err = writeCounters(txn, counters)
		if err == nil {
			err = txn.Commit()
		}
		if err == nil {
			c.txns.Add(1)
			c.dirty = true
			if c.after != nil {
				c.after()
			}
		}
	}
	if err == nil && !lazy && c.sync && (c.dirty || force) {
		if err = c.syncLogs(c.values || force); err == nil {
			c.dirty, c.values = false, false
		}
	}
	c.finish(planned, err)
	return rest
}

// syncLogs forces Badger's logs to disk: Badger's Sync covers the active
// memtable's write-ahead log and the newest value-log file; a file Badger
// switched away from since the last sync (a memtable full and waiting for
// its flush, a value-log file full) is synced here by name, since Badger
// syncs it on the switch only when opened with SyncWrites. values: the
// value-log files are synced first, before the pointers to them in the
// memtable's log (logsync.go syncValueLogs).
func (c *committer) syncLogs(values bool) error {
	if values {
		if err := c.logs.syncValueLogs(); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
	}
	if err := c.bdb.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return c.logs.syncSwitched()
}

func (c *committer) finish(ops []*op, err error) {
	for _, o := range ops {
		o.done <- result{err: err}
	}
}

// apply adds writes to txn.
func apply(txn *badger.Txn, ws []write) error {
	for _, w := range ws {
		var err error
		switch {
		case w.del:
			err = txn.Delete(w.key)
		case w.ttl > 0:
			err = txn.SetEntry(badger.NewEntry(w.key, w.value).WithTTL(w.ttl))
		default:
			err = txn.Set(w.key, w.value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func writeCounters(txn *badger.Txn, counters map[string]uint64) error {
	for k, v := range counters {
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], v)
		if err := txn.Set([]byte(k), buf[:]); err != nil {
			return err
		}
	}
	return nil
}
