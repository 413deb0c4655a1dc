package buffer

import (
	"encoding/binary"
	"fmt"
)

// Batch collects writes to several stores that become durable together:
// one transaction and one fsync when they fit in one (about 10% of
// MemTableSize), otherwise several, applied in the order they were added.
// The agent commits a step's raw input and the journal events decoded
// from it in one Batch, so neither is ever durable without the other.
// A Batch is not safe for concurrent use; build it, then Commit it once.
type Batch struct {
	db    *DB
	steps []batchStep
	grows bool // some step adds data (checked against the free-space reserve)
	keys  [][]byte
}

// batchStep is one write of a Batch: a put, a put with a sequence number
// (PutSeq) or a delete.
type batchStep struct {
	store *Store
	key   []byte
	value []byte
	seq   bool
	del   bool
	out   int // PutSeq: index of the full key in Batch.keys
}

// NewBatch returns an empty Batch on db.
func (db *DB) NewBatch() *Batch { return &Batch{db: db} }

// Put stores value under key in s.
func (b *Batch) Put(s *Store, key, value []byte) {
	b.steps = append(b.steps, batchStep{store: s, key: key, value: value})
	b.grows = true
}

// PutSeq stores each value under its key followed by a fresh number from
// s's counter, like Store.PutSeq. Keys returns the full keys after Commit.
func (b *Batch) PutSeq(s *Store, kvs []KV) {
	for _, kv := range kvs {
		b.steps = append(b.steps, batchStep{store: s, key: kv.Key, value: kv.Value, seq: true, out: len(b.keys)})
		b.keys = append(b.keys, nil)
	}
	if len(kvs) > 0 {
		b.grows = true
	}
}

// Delete removes keys from s (missing ones are ignored).
func (b *Batch) Delete(s *Store, keys ...[]byte) {
	for _, k := range keys {
		b.steps = append(b.steps, batchStep{store: s, key: k, del: true})
	}
}

// Len is the number of writes in the batch.
func (b *Batch) Len() int { return len(b.steps) }

// Keys returns the full keys of the PutSeq writes, in the order they were
// added, once Commit succeeded.
func (b *Batch) Keys() [][]byte { return b.keys }

// Commit makes every write durable (synced) before it returns. A batch
// that adds data fails with ErrDiskFull below Options.MinFreeBytes and then
// writes nothing; a batch of deletes only never does. A batch too large for
// one transaction is committed in several, in order, so a crash may leave
// a prefix of it durable.
func (b *Batch) Commit() error { return b.commit(false) }

// CommitLazy is Commit without forcing the writes to disk: they are in
// the database when it returns (a crash of the process, kill -9, loses
// none of them: the kernel holds Badger's memory-mapped logs) and become
// durable with the next synced commit of this DB, whoever makes it, or
// DB.Sync. A power cut before that loses them, and only lazy writes: a
// synced commit is durable with everything committed before it. The agent
// writes raw input this way (agent/rawinput.go).
func (b *Batch) CommitLazy() error { return b.commit(true) }

func (b *Batch) commit(lazy bool) error {
	if len(b.steps) == 0 {
		return nil
	}
	for _, st := range b.steps {
		if st.store.err != nil {
			return st.store.err
		}
		if err := st.store.checkKey(st.key); err != nil {
			return fmt.Errorf("buffer: store %s: batch: %w", st.store.name, err)
		}
	}
	if err := b.db.enter(); err != nil {
		return fmt.Errorf("buffer: batch: %w", err)
	}
	defer b.db.leave()
	if b.grows {
		if err := b.db.space.check(); err != nil {
			return fmt.Errorf("buffer: batch of %d writes: %w", len(b.steps), err)
		}
	}
	c := b.db.commit
	for lo := 0; lo < len(b.steps); {
		hi, size := lo, int64(0)
		for hi < len(b.steps) {
			st := b.steps[hi]
			e := c.estimate(write{key: st.key, value: st.value}) + int64(len(st.store.prefix)) + 8
			if hi > lo && !c.fits(size+e+batchSlack, int64(hi-lo)+1+batchSlackCount) {
				break
			}
			size += e
			hi++
		}
		part := b.steps[lo:hi]
		do := c.do
		if lazy {
			do = c.doLazy
		}
		if err := do(func(bt *batch) ([]write, error) { return b.plan(bt, part) }); err != nil {
			return fmt.Errorf("buffer: batch of %d writes: %w", len(b.steps), err)
		}
		lo = hi
	}
	return nil
}

// batchSlack and batchSlackCount leave room in a transaction for the
// counters PutSeq writes beside the data.
const (
	batchSlack      = 512
	batchSlackCount = 8
)

// plan turns part into writes, numbering PutSeq keys from their stores'
// counters in this transaction.
func (b *Batch) plan(bt *batch, part []batchStep) ([]write, error) {
	need := map[*Store]uint64{}
	for _, st := range part {
		if st.seq {
			need[st.store]++
		}
	}
	next := map[*Store]uint64{}
	for s, n := range need {
		first, err := bt.reserve(s.seqKey, n)
		if err != nil {
			return nil, err
		}
		next[s] = first
	}
	ws := make([]write, 0, len(part))
	for _, st := range part {
		switch {
		case st.del:
			ws = append(ws, write{key: cat(st.store.prefix, st.key), del: true})
		case st.seq:
			k := binary.BigEndian.AppendUint64(append([]byte(nil), st.key...), next[st.store])
			next[st.store]++
			b.keys[st.out] = k
			ws = append(ws, write{key: cat(st.store.prefix, k), value: st.value})
		default:
			ws = append(ws, write{key: cat(st.store.prefix, st.key), value: st.value})
		}
	}
	return ws, nil
}
