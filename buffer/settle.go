package buffer

import (
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Settling by watermark.
//
// Done deletes an entry with five writes and two point reads (item,
// index, class index, delivered memory, counters). A drain that delivers
// entries oldest first does not need that per entry: Delivered moves a
// "delivered through Seq" watermark over the head of the queue in one
// small synced write (the watermark and the two counters), and Sweep
// later turns the entries below it into delivered-id memory in bulk
// (sequential reads, blind deletes, one fsync per thousand entries),
// when the drain is idle, between its settling writes once many wait, or
// when the oldest has waited long (agent/uplink settler.go). Until it is swept, an entry at or below the
// watermark is delivered for every reader of the queue: Pending, Len,
// Stats, shedding and expiry skip it, and Put treats its id as delivered.

// Delivered settles items, which the caller read with Pending and whose
// delivery it confirmed, oldest first: it moves the watermark over the
// longest run of the oldest pending entries that are all among items, in
// one synced write, and returns the watermark: every item with a Seq up
// to it is settled (deleted as Done would, its id remembered); the
// others stay pending behind an entry not among items (one still in
// flight), for a later call. Items no longer pending (done, shed or
// expired meanwhile) are settled without being counted twice.
func (q *Queue) Delivered(items []Item) (uint64, error) {
	if q.err != nil {
		return 0, q.err
	}
	if err := q.db.enter(); err != nil {
		return 0, fmt.Errorf("buffer: queue %s: delivered: %w", q.name, err)
	}
	defer q.db.leave()
	bySeq := make(map[uint64]string, len(items))
	var last uint64
	for _, it := range items {
		bySeq[it.Seq] = it.ID
		last = max(last, it.Seq)
	}
	var mark uint64
	err := q.db.commit.do(func(b *batch) ([]write, error) {
		var err error
		mark, err = q.advanceMark(b, bySeq, last)
		return nil, err
	})
	if err != nil {
		return 0, fmt.Errorf("buffer: queue %s: delivered %d: %w", q.name, len(items), err)
	}
	q.advance(q.head.Load(), mark+1)
	return mark, nil
}

// advanceMark walks the pending entries from the watermark up to last,
// stops at the first one not in bySeq (or whose id differs), moves the
// watermark to just below it (or to last) and uncounts what it passed.
func (q *Queue) advanceMark(b *batch, bySeq map[uint64]string, last uint64) (uint64, error) {
	mark, err := b.load(q.markKey, 0)
	if err != nil || last <= mark {
		return mark, err
	}
	opt := badger.DefaultIteratorOptions
	opt.Prefix = q.pItem
	opt.PrefetchValues = false
	it := b.txn.NewIterator(opt)
	defer it.Close()
	to := last
	var n, cost int64
	for it.Seek(q.itemKey(mark + 1)); it.Valid(); it.Next() {
		seq, err := q.itemSeq(it.Item().Key())
		if err != nil {
			return 0, err
		}
		if seq > last {
			break
		}
		c, ok := q.deliveredCost(it.Item(), bySeq[seq])
		if !ok {
			// Still in flight, or not the entry the caller read (an
			// unreadable one is Pending's to drop): the watermark stops.
			to = seq - 1
			break
		}
		n, cost = n+1, cost+c
	}
	if to <= mark {
		return mark, nil
	}
	b.counters[string(q.markKey)] = to
	if _, err := b.add(q.nKey, -n); err != nil {
		return 0, err
	}
	if _, err := b.add(q.bytesKy, -cost); err != nil {
		return 0, err
	}
	return to, nil
}

// deliveredCost returns the cost of the pending entry item when its id is
// id (the caller delivered it), else false.
func (q *Queue) deliveredCost(item *badger.Item, id string) (cost int64, ok bool) {
	if id == "" {
		return 0, false
	}
	err := item.Value(func(v []byte) error {
		got, val, err := decodeItem(v)
		if err != nil {
			return err
		}
		cost, ok = itemCost(got, val), got == id
		return nil
	})
	return cost, ok && err == nil
}

// itemKey is p/<seq>.
func (q *Queue) itemKey(seq uint64) []byte {
	k := make([]byte, len(q.pItem), len(q.pItem)+8)
	copy(k, q.pItem)
	return binary.BigEndian.AppendUint64(k, seq)
}

// itemSeq returns the Seq of item key k.
func (q *Queue) itemSeq(k []byte) (uint64, error) {
	if len(k) != len(q.pItem)+8 {
		return 0, fmt.Errorf("bad item key %q", k)
	}
	return binary.BigEndian.Uint64(k[len(q.pItem):]), nil
}

// maxSweep bounds the entries one Sweep transaction turns into memory.
const maxSweep = 1024

// Sweep deletes the keys of up to limit entries below the watermark
// (settled by Delivered) and remembers their ids for DeliveredTTL, a
// transaction (one fsync) per up to 1024 entries, oldest first. It
// returns how many it swept: fewer than limit means none are left. The
// drain's settler calls it; a crash before a sweep's fsync only leaves
// the work for the next one (the watermark already settled the entries).
func (q *Queue) Sweep(limit int) (int, error) {
	if q.err != nil {
		return 0, q.err
	}
	if err := q.db.enter(); err != nil {
		return 0, fmt.Errorf("buffer: queue %s: sweep: %w", q.name, err)
	}
	defer q.db.leave()
	per := int(min(maxSweep, max(1, q.db.commit.maxCount/5)))
	total := 0
	for total < limit {
		var n int
		var next uint64
		err := q.db.commit.do(func(b *batch) ([]write, error) {
			var ws []write
			var err error
			ws, n, next, err = q.sweep(b, min(per, limit-total))
			return ws, err
		})
		if err != nil {
			return total, fmt.Errorf("buffer: queue %s: sweep: %w", q.name, err)
		}
		if next > q.swept.Load() {
			q.swept.Store(next)
		}
		total += n
		if n == 0 {
			break
		}
	}
	return total, nil
}

// sweep plans the sweep of up to limit entries below the watermark and
// returns the writes, how many entries, and the Seq below which no entry
// is left.
func (q *Queue) sweep(b *batch, limit int) (ws []write, n int, next uint64, err error) {
	mark, err := b.load(q.markKey, 0)
	if err != nil {
		return nil, 0, 0, err
	}
	from := q.swept.Load()
	if from > mark {
		return nil, 0, from, nil
	}
	opt := badger.DefaultIteratorOptions
	opt.Prefix = q.pItem
	opt.PrefetchValues = false
	it := b.txn.NewIterator(opt)
	defer it.Close()
	hi := uint64(0)
	lost := map[uint64]bool{}
	next = mark + 1
	for it.Seek(q.itemKey(from)); it.Valid(); it.Next() {
		seq, err := q.itemSeq(it.Item().Key())
		if err != nil {
			return nil, 0, 0, err
		}
		if seq > mark {
			break
		}
		if n == limit {
			next = seq
			break
		}
		hi, n = seq, n+1
		ws = append(ws, write{key: q.itemKey(seq), del: true})
		var id string
		err = it.Item().Value(func(v []byte) error {
			id, _, err = decodeItem(v)
			return err
		})
		if err != nil {
			lost[seq] = true // its index is found by Seq below
			continue
		}
		ws = append(ws, write{key: cat(q.pIndex, []byte(id)), del: true}, q.memory(id))
	}
	if n == 0 {
		return nil, 0, next, nil
	}
	if len(lost) > 0 {
		rm, err := q.indexOf(b, lost)
		if err != nil {
			return nil, 0, 0, err
		}
		ws = append(ws, rm...)
	}
	for c := range numClasses {
		rm, err := q.classBelow(b, c, from, hi)
		if err != nil {
			return nil, 0, 0, err
		}
		ws = append(ws, rm...)
	}
	return ws, n, next, nil
}

// classBelow returns the deletions of class c's index keys with Seq in
// [from, hi].
func (q *Queue) classBelow(b *batch, c Class, from, hi uint64) ([]write, error) {
	prefix := cat(q.pClass, []byte{byte(c)})
	opt := badger.DefaultIteratorOptions
	opt.Prefix = prefix
	opt.PrefetchValues = false
	it := b.txn.NewIterator(opt)
	defer it.Close()
	var ws []write
	for it.Seek(q.classKey(c, from)); it.Valid(); it.Next() {
		k := it.Item().Key()
		if len(k) != len(prefix)+8 {
			return nil, fmt.Errorf("bad class index key %q", k)
		}
		if binary.BigEndian.Uint64(k[len(prefix):]) > hi {
			break
		}
		ws = append(ws, write{key: it.Item().KeyCopy(nil), del: true})
	}
	return ws, nil
}

// Unswept returns about how many settled entries Sweep has left to do
// (Seqs under the watermark not swept by this process; an entry shed or
// done meanwhile counts too).
func (q *Queue) Unswept() (uint64, error) {
	if q.err != nil {
		return 0, q.err
	}
	if err := q.db.enter(); err != nil {
		return 0, fmt.Errorf("buffer: queue %s: unswept: %w", q.name, err)
	}
	defer q.db.leave()
	var mark uint64
	err := q.db.bdb.View(func(txn *badger.Txn) error {
		var err error
		mark, err = q.markOf(txn)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("buffer: queue %s: unswept: %w", q.name, err)
	}
	if from := q.swept.Load(); mark >= from {
		return mark - from + 1, nil
	}
	return 0, nil
}

// markOf reads the watermark in txn.
func (q *Queue) markOf(txn *badger.Txn) (uint64, error) {
	return readCounter(txn, q.markKey, 0)
}

// countPending counts the item keys above the watermark without reading
// values.
func (q *Queue) countPending() (int, error) {
	n := 0
	err := q.db.bdb.View(func(txn *badger.Txn) error {
		mark, err := q.markOf(txn)
		if err != nil {
			return err
		}
		opt := badger.DefaultIteratorOptions
		opt.PrefetchValues = false
		opt.Prefix = q.pItem
		it := txn.NewIterator(opt)
		defer it.Close()
		for it.Seek(q.itemKey(max(mark+1, q.head.Load()))); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	return n, err
}
