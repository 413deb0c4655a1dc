package buffer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Item is one pending queue entry.
type Item struct {
	// ID is the caller's identity of the entry (an alert id).
	ID string
	// Seq orders entries: 1, 2, 3, ... in put order, across restarts.
	Seq uint64
	// Value is the stored payload.
	Value []byte
}

// Queue is a durable FIFO with put-if-absent by id, a memory of delivered
// ids, a byte capacity with shedding by class and an age limit (doc.go,
// "Outbox semantics"). Keys, under "q/<name>/":
//
//	p/<seq:8 big-endian>      -> uvarint(len(id)) id value   (pending item)
//	i/<id>                    -> seq:8 class:1               (pending index)
//	c/<class:1><seq:8>        -> cost:8 stored unix nanos:8  (class index)
//	d/<id>                    -> expiry unix nanos:8, TTL    (delivered, shed or expired memory)
//
// Its counters live under "c/q/<name>" (the next Seq) and
// "c/q/<name>/{n,bytes,shed/<class>,expired,unreadable}"; the delivered
// watermark under "c/q/<name>/delivered": entries up to that Seq are
// delivered, their keys wait for Sweep (settle.go). All methods are safe
// for concurrent use.
type Queue struct {
	db      *DB
	name    string
	err     error // invalid name
	pItem   []byte
	pIndex  []byte
	pDone   []byte
	pClass  []byte
	seqKey  []byte
	nKey    []byte
	bytesKy []byte
	expKey  []byte
	lostKey []byte
	markKey []byte
	shedKey [numClasses][]byte
	limits  queueLimits
	changed chan struct{}
	head    atomic.Uint64 // no pending entry has a lower Seq
	swept   atomic.Uint64 // no item key (pending or delivered) has a lower Seq
}

func newQueue(db *DB, name string) *Queue {
	base := "q/" + name + "/"
	cnt := "c/q/" + name
	q := &Queue{
		db:      db,
		name:    name,
		err:     checkName("queue", name),
		pItem:   []byte(base + "p/"),
		pIndex:  []byte(base + "i/"),
		pDone:   []byte(base + "d/"),
		pClass:  []byte(base + "c/"),
		changed: make(chan struct{}, 1),
		seqKey:  []byte(cnt),
		nKey:    []byte(cnt + "/n"),
		bytesKy: []byte(cnt + "/bytes"),
		expKey:  []byte(cnt + "/expired"),
		lostKey: []byte(cnt + "/unreadable"),
		markKey: []byte(cnt + "/delivered"),
	}
	for c := range numClasses {
		q.shedKey[c] = []byte(cnt + "/shed/" + c.String())
	}
	return q
}

// SetLimits sets the byte capacity and age limit (not persisted: set them
// after every Open, before the first Put).
func (q *Queue) SetLimits(l Limits) {
	q.limits.mu.Lock()
	defer q.limits.mu.Unlock()
	q.limits.lim = l
}

// PutIfAbsent is Put with ClassCritical: the entry is never shed for the
// byte capacity.
func (q *Queue) PutIfAbsent(id string, value []byte) (bool, error) {
	return q.Put(id, ClassCritical, value)
}

// Put stores value under id unless id is pending or was delivered (or
// shed, or expired) within DeliveredTTL. It returns whether it stored the
// value; when it did, the write is durable (synced) before Put returns.
// Concurrent calls share one fsync (see commit.go) and get Seq in call
// order.
//
// When the queue would exceed Limits.MaxBytes, Put sheds entries of lower
// classes, lowest and oldest first, then the oldest of class itself
// (never a critical one) in the same transaction. If that cannot make
// room, a critical entry is stored anyway and any other one is shed
// itself: Put returns false and an error wrapping ErrShed. Below
// Options.MinFreeBytes of free disk, Put writes nothing and returns an
// error wrapping ErrDiskFull.
func (q *Queue) Put(id string, class Class, value []byte) (bool, error) {
	if q.err != nil {
		return false, q.err
	}
	if id == "" || len(id) > maxKeyLen {
		return false, fmt.Errorf("buffer: queue %s: put: id of %d bytes (want 1..%d)", q.name, len(id), maxKeyLen)
	}
	if class >= numClasses {
		return false, fmt.Errorf("buffer: queue %s: put: unknown %v", q.name, class)
	}
	if err := q.db.enter(); err != nil {
		return false, fmt.Errorf("buffer: queue %s: put: %w", q.name, err)
	}
	defer q.db.leave()
	if err := q.db.space.check(); err != nil {
		q.limits.refuse()
		return false, fmt.Errorf("buffer: queue %s: put %s: %w", q.name, id, err)
	}
	lim := q.limits.get()
	cost := itemCost(id, value)
	var added, self bool
	err := q.db.commit.do(func(b *batch) ([]write, error) {
		added, self = false, false
		known, err := q.known(b.txn, id)
		if err != nil || known {
			return nil, err
		}
		var ws []write
		if lim.MaxBytes > 0 {
			total, err := b.load(q.bytesKy, 0)
			if err != nil {
				return nil, err
			}
			if need := int64(total) + cost - lim.MaxBytes; need > 0 {
				vs, freed, err := q.shed(b, class, need)
				if err != nil {
					return nil, err
				}
				if freed < need && class < ClassCritical {
					// No room: this entry is the one to go.
					self = true
					return q.forget(b, id, q.shedKey[class])
				}
				if ws, err = q.drop(b, vs, func(c Class) []byte { return q.shedKey[c] }); err != nil {
					return nil, err
				}
			}
		}
		seq, err := b.reserve(q.seqKey, 1)
		if err != nil {
			return nil, err
		}
		if _, err := b.add(q.bytesKy, cost); err != nil {
			return nil, err
		}
		if _, err := b.add(q.nKey, 1); err != nil {
			return nil, err
		}
		sk := binary.BigEndian.AppendUint64(nil, seq)
		meta := binary.BigEndian.AppendUint64(nil, uint64(cost))
		meta = binary.BigEndian.AppendUint64(meta, uint64(q.db.now().UnixNano()))
		added = true
		return append(ws,
			write{key: cat(q.pItem, sk), value: encodeItem(id, value)},
			write{key: cat(q.pIndex, []byte(id)), value: append(sk, byte(class))},
			write{key: q.classKey(class, seq), value: meta},
		), nil
	})
	if err != nil {
		return false, fmt.Errorf("buffer: queue %s: put: %w", q.name, err)
	}
	if self {
		return false, fmt.Errorf("buffer: queue %s: put %s (%v): %w", q.name, id, class, ErrShed)
	}
	if added {
		q.notify()
	}
	return added, nil
}

// classKey is c/<class><seq>.
func (q *Queue) classKey(c Class, seq uint64) []byte {
	k := append(cat(q.pClass, []byte{byte(c)}), make([]byte, 8)...)
	binary.BigEndian.PutUint64(k[len(k)-8:], seq)
	return k
}

// forget remembers id like a delivered one (so a re-detection does not
// store it again) and counts it under counter.
func (q *Queue) forget(b *batch, id string, counter []byte) ([]write, error) {
	if _, err := b.add(counter, 1); err != nil {
		return nil, err
	}
	return []write{q.memory(id)}, nil
}

// memory is the write remembering id for DeliveredTTL.
func (q *Queue) memory(id string) write {
	ttl := q.db.opts.DeliveredTTL
	exp := binary.BigEndian.AppendUint64(nil, uint64(q.db.now().Add(ttl).UnixNano()))
	return write{key: cat(q.pDone, []byte(id)), value: exp, ttl: ttl}
}

// known reports whether id is pending or remembered as delivered.
func (q *Queue) known(txn *badger.Txn, id string) (bool, error) {
	_, err := txn.Get(cat(q.pIndex, []byte(id)))
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, badger.ErrKeyNotFound) {
		return false, err
	}
	it, err := txn.Get(cat(q.pDone, []byte(id)))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var expiry int64
	err = it.Value(func(v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("delivered marker of %q has %d bytes", id, len(v))
		}
		expiry = int64(binary.BigEndian.Uint64(v))
		return nil
	})
	if err != nil {
		return false, err
	}
	return q.db.now().UnixNano() < expiry, nil
}

// Pending returns up to limit pending items, oldest (lowest Seq) first.
// limit <= 0 means all.
func (q *Queue) Pending(limit int) ([]Item, error) {
	return q.PendingAfter(0, limit)
}

// PendingAfter is Pending of the entries with a Seq above after: a reader
// that holds the entries it read (in flight, being settled) reads on from
// the last of them instead of stepping over them again.
func (q *Queue) PendingAfter(after uint64, limit int) ([]Item, error) {
	if q.err != nil {
		return nil, q.err
	}
	if err := q.db.enter(); err != nil {
		return nil, fmt.Errorf("buffer: queue %s: pending: %w", q.name, err)
	}
	defer q.db.leave()
	var items []Item
	var bad []unreadable
	head := q.head.Load()
	err := q.db.bdb.View(func(txn *badger.Txn) error {
		next, err := readCounter(txn, q.seqKey, 1)
		if err != nil {
			return err
		}
		mark, err := q.markOf(txn)
		if err != nil {
			return err
		}
		from := max(head, mark+1)
		fromHead := after < from
		from = max(from, after+1)
		opt := badger.DefaultIteratorOptions
		opt.Prefix = q.pItem
		if limit > 0 && limit < opt.PrefetchSize {
			opt.PrefetchSize = limit
		}
		it := txn.NewIterator(opt)
		defer it.Close()
		// Start at the head: deleted entries before it are tombstones an
		// iterator would otherwise step over on every read (a drain of
		// 100,000 entries became quadratic).
		it.Seek(q.itemKey(from))
		defer func() {
			if !fromHead {
				return // entries below from may still be pending
			}
			// Every entry below the first one seen (or below the next Seq
			// when none is left) is gone for good: puts only add higher.
			if len(items) > 0 || len(bad) > 0 {
				next = math.MaxUint64
				if len(items) > 0 {
					next = items[0].Seq
				}
				if len(bad) > 0 {
					next = min(next, bad[0].seq)
				}
			}
			q.advance(head, next)
		}()
		for ; it.Valid(); it.Next() {
			if limit > 0 && len(items) >= limit {
				return nil
			}
			key := it.Item().Key()
			if len(key) != len(q.pItem)+8 {
				return fmt.Errorf("bad item key %q", key)
			}
			seq := binary.BigEndian.Uint64(key[len(q.pItem):])
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				bad = append(bad, unreadable{seq, err})
				continue
			}
			id, val, err := decodeItem(v)
			if err != nil {
				bad = append(bad, unreadable{seq, err})
				continue
			}
			items = append(items, Item{ID: id, Seq: seq, Value: val})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("buffer: queue %s: pending: %w", q.name, err)
	}
	if len(bad) > 0 {
		if err := q.dropUnreadable(bad); err != nil {
			return nil, fmt.Errorf("buffer: queue %s: pending: %w", q.name, err)
		}
	}
	return items, nil
}

// advance moves the head from old to seq unless another reader moved it.
func (q *Queue) advance(old, seq uint64) {
	if seq > old {
		q.head.CompareAndSwap(old, seq)
	}
}

// unreadable is a pending item whose value cannot be read (a damaged
// value log or table block).
type unreadable struct {
	seq uint64
	err error
}

// dropUnreadable deletes items that cannot be read, so they do not block
// the queue, logs each at error level and counts them (QueueStats.Unreadable).
func (q *Queue) dropUnreadable(bad []unreadable) error {
	for _, u := range bad {
		q.db.log.Error("buffer: dropping an unreadable queue entry", "queue", q.name, "seq", u.seq, "error", u.err)
	}
	seqs := make(map[uint64]bool, len(bad))
	for _, u := range bad {
		seqs[u.seq] = true
	}
	return q.db.commit.do(func(b *batch) ([]write, error) {
		// The ids are unreadable too: find their index entries by seq.
		ws, err := q.indexOf(b, seqs)
		if err != nil {
			return nil, err
		}
		for _, u := range bad {
			sk := binary.BigEndian.AppendUint64(nil, u.seq)
			ws = append(ws, write{key: cat(q.pItem, sk), del: true})
			for c := range numClasses {
				ck := q.classKey(c, u.seq)
				it, err := b.txn.Get(ck)
				if err != nil {
					continue
				}
				if meta, err := it.ValueCopy(nil); err == nil {
					if cost, _, err := decodeMeta(meta); err == nil {
						if _, err := b.add(q.bytesKy, -cost); err != nil {
							return nil, err
						}
					}
				}
				ws = append(ws, write{key: ck, del: true})
			}
			if _, err := b.add(q.nKey, -1); err != nil {
				return nil, err
			}
			if _, err := b.add(q.lostKey, 1); err != nil {
				return nil, err
			}
		}
		return ws, nil
	})
}

// Done deletes the pending item id and remembers id as delivered for
// DeliveredTTL, in one synced transaction. Done of an id that is not
// pending (already done, shed or expired) only refreshes the memory; it is
// not an error. Done is allowed on a full disk.
func (q *Queue) Done(id string) error {
	return q.DoneAll([]string{id})
}

// maxDoneAll bounds the ids of one DoneAll transaction.
const maxDoneAll = 1024

// DoneAll is Done for many ids with one fsync per up to 1024 ids: an uplink
// settling a window of acks at once drains at a multiple of the disk's
// fsync rate.
func (q *Queue) DoneAll(ids []string) error {
	if q.err != nil {
		return q.err
	}
	for _, id := range ids {
		if id == "" {
			return fmt.Errorf("buffer: queue %s: done: empty id", q.name)
		}
	}
	if err := q.db.enter(); err != nil {
		return fmt.Errorf("buffer: queue %s: done: %w", q.name, err)
	}
	defer q.db.leave()
	// A Done is up to 5 writes; stay inside one transaction's budget.
	per := int(min(maxDoneAll, max(1, q.db.commit.maxCount/6)))
	for len(ids) > 0 {
		part := ids[:min(len(ids), per)]
		ids = ids[len(part):]
		err := q.db.commit.do(func(b *batch) ([]write, error) {
			var ws []write
			for _, id := range part {
				rm, err := q.done(b, id)
				if err != nil {
					return nil, err
				}
				ws = append(ws, rm...)
			}
			return ws, nil
		})
		if err != nil {
			return fmt.Errorf("buffer: queue %s: done %d: %w", q.name, len(part), err)
		}
	}
	return nil
}

// done plans Done of one id.
func (q *Queue) done(b *batch, id string) ([]write, error) {
	ws := []write{q.memory(id)}
	ik := cat(q.pIndex, []byte(id))
	it, err := b.txn.Get(ik)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		return ws, nil
	case err != nil:
		return nil, err
	}
	idx, err := it.ValueCopy(nil)
	if err != nil {
		return nil, err
	}
	if len(idx) == 8 || len(idx) == 9 {
		mark, err := b.load(q.markKey, 0)
		if err != nil {
			return nil, err
		}
		if seq := binary.BigEndian.Uint64(idx); seq <= mark {
			// Settled by the watermark (and uncounted) already: delete
			// its keys now instead of at the next Sweep.
			ws = append(ws, write{key: q.itemKey(seq), del: true}, write{key: ik, del: true})
			if len(idx) == 9 {
				ws = append(ws, write{key: q.classKey(Class(idx[8]), seq), del: true})
			}
			return ws, nil
		}
	}
	rm, err := q.remove(b, id, idx)
	return append(ws, rm...), err
}

// remove plans the deletion of pending entry id with index value idx and
// updates the n and bytes counters.
func (q *Queue) remove(b *batch, id string, idx []byte) ([]write, error) {
	if len(idx) != 8 && len(idx) != 9 {
		return nil, fmt.Errorf("index of %q has %d bytes", id, len(idx))
	}
	seq := binary.BigEndian.Uint64(idx)
	ws := []write{
		{key: cat(q.pItem, idx[:8]), del: true},
		{key: cat(q.pIndex, []byte(id)), del: true},
	}
	if _, err := b.add(q.nKey, -1); err != nil {
		return nil, err
	}
	if len(idx) == 8 {
		return ws, nil // written before classes existed: no class index
	}
	ck := q.classKey(Class(idx[8]), seq)
	it, err := b.txn.Get(ck)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		return ws, nil
	case err != nil:
		return nil, err
	}
	meta, err := it.ValueCopy(nil)
	if err != nil {
		return nil, err
	}
	cost, _, err := decodeMeta(meta)
	if err != nil {
		return nil, err
	}
	if _, err := b.add(q.bytesKy, -cost); err != nil {
		return nil, err
	}
	return append(ws, write{key: ck, del: true}), nil
}

// indexOf returns the deletions of the index entries pointing at seqs.
func (q *Queue) indexOf(b *batch, seqs map[uint64]bool) ([]write, error) {
	opt := badger.DefaultIteratorOptions
	opt.Prefix = q.pIndex
	it := b.txn.NewIterator(opt)
	defer it.Close()
	var ws []write
	for it.Rewind(); it.Valid(); it.Next() {
		err := it.Item().Value(func(v []byte) error {
			if len(v) >= 8 && seqs[binary.BigEndian.Uint64(v)] {
				ws = append(ws, write{key: it.Item().KeyCopy(nil), del: true})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return ws, nil
}

// decodeMeta splits a class index value into cost and stored time.
func decodeMeta(v []byte) (int64, time.Time, error) {
	if len(v) != 16 {
		return 0, time.Time{}, fmt.Errorf("class index value of %d bytes", len(v))
	}
	return int64(binary.BigEndian.Uint64(v)), time.Unix(0, int64(binary.BigEndian.Uint64(v[8:]))), nil
}

// Len returns the number of pending items.
func (q *Queue) Len() (int, error) {
	if q.err != nil {
		return 0, q.err
	}
	if err := q.db.enter(); err != nil {
		return 0, fmt.Errorf("buffer: queue %s: len: %w", q.name, err)
	}
	defer q.db.leave()
	n, err := q.countPending()
	if err != nil {
		return 0, fmt.Errorf("buffer: queue %s: len: %w", q.name, err)
	}
	return n, nil
}

// Changed returns a channel that receives after each successful put.
// Signals are coalesced: one receive may stand for many puts, so the
// receiver drains Pending until it is empty.
func (q *Queue) Changed() <-chan struct{} { return q.changed }

func (q *Queue) notify() {
	select {
	case q.changed <- struct{}{}:
	default:
	}
}

// encodeItem packs id and value into one stored value.
func encodeItem(id string, value []byte) []byte {
	b := make([]byte, 0, binary.MaxVarintLen64+len(id)+len(value))
	b = binary.AppendUvarint(b, uint64(len(id)))
	b = append(b, id...)
	return append(b, value...)
}

// decodeItem reverses encodeItem.
func decodeItem(b []byte) (string, []byte, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return "", nil, errors.New("corrupt queue item")
	}
	return string(b[w : w+int(n)]), b[w+int(n):], nil
}
