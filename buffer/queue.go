package buffer

import (
	"encoding/binary"
	"errors"
	"fmt"

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

// Queue is a durable FIFO with put-if-absent by id and a memory of
// delivered ids. Keys, under "q/<name>/":
//
//	p/<seq:8 big-endian>  -> uvarint(len(id)) id value   (pending item)
//	i/<id>                -> seq:8                       (pending index)
//	d/<id>                -> expiry unix nanos:8, TTL    (delivered memory)
//
// Its sequence counter (the next Seq) lives under "c/q/<name>". All methods are safe for
// concurrent use.
type Queue struct {
	db      *DB
	name    string
	err     error // invalid name
	pItem   []byte
	pIndex  []byte
	pDone   []byte
	seqKey  []byte
	changed chan struct{}
}

func newQueue(db *DB, name string) *Queue {
	base := "q/" + name + "/"
	return &Queue{
		db:      db,
		name:    name,
		err:     checkName("queue", name),
		pItem:   []byte(base + "p/"),
		pIndex:  []byte(base + "i/"),
		pDone:   []byte(base + "d/"),
		changed: make(chan struct{}, 1),
		seqKey:  []byte("c/q/" + name),
	}
}

// PutIfAbsent stores value under id unless id is pending or was delivered
// within DeliveredTTL. It returns whether it stored the value; when it did,
// the write is durable (synced) before PutIfAbsent returns. Concurrent
// calls share one fsync (see commit.go) and get Seq in call order.
func (q *Queue) PutIfAbsent(id string, value []byte) (bool, error) {
	if q.err != nil {
		return false, q.err
	}
	if id == "" || len(id) > maxKeyLen {
		return false, fmt.Errorf("buffer: queue %s: put: id of %d bytes (want 1..%d)", q.name, len(id), maxKeyLen)
	}
	if err := q.db.enter(); err != nil {
		return false, fmt.Errorf("buffer: queue %s: put: %w", q.name, err)
	}
	defer q.db.leave()
	var added bool
	err := q.db.commit.do(func(b *batch) ([]write, error) {
		added = false
		known, err := q.known(b.txn, id)
		if err != nil || known {
			return nil, err
		}
		seq, err := b.reserve(q.seqKey, 1)
		if err != nil {
			return nil, err
		}
		sk := binary.BigEndian.AppendUint64(nil, seq)
		added = true
		return []write{
			{key: cat(q.pItem, sk), value: encodeItem(id, value)},
			{key: cat(q.pIndex, []byte(id)), value: sk},
		}, nil
	})
	if err != nil {
		return false, fmt.Errorf("buffer: queue %s: put: %w", q.name, err)
	}
	if added {
		q.notify()
	}
	return added, nil
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
	if q.err != nil {
		return nil, q.err
	}
	if err := q.db.enter(); err != nil {
		return nil, fmt.Errorf("buffer: queue %s: pending: %w", q.name, err)
	}
	defer q.db.leave()
	var items []Item
	err := q.db.bdb.View(func(txn *badger.Txn) error {
		opt := badger.DefaultIteratorOptions
		opt.Prefix = q.pItem
		if limit > 0 && limit < opt.PrefetchSize {
			opt.PrefetchSize = limit
		}
		it := txn.NewIterator(opt)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if limit > 0 && len(items) >= limit {
				return nil
			}
			key := it.Item().Key()
			if len(key) != len(q.pItem)+8 {
				return fmt.Errorf("bad item key %q", key)
			}
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			id, val, err := decodeItem(v)
			if err != nil {
				return err
			}
			items = append(items, Item{ID: id, Seq: binary.BigEndian.Uint64(key[len(q.pItem):]), Value: val})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("buffer: queue %s: pending: %w", q.name, err)
	}
	return items, nil
}

// Done deletes the pending item id and remembers id as delivered for
// DeliveredTTL, in one synced transaction. Done of an id that is not
// pending (already done) only refreshes the memory; it is not an error.
func (q *Queue) Done(id string) error {
	if q.err != nil {
		return q.err
	}
	if id == "" {
		return fmt.Errorf("buffer: queue %s: done: empty id", q.name)
	}
	if err := q.db.enter(); err != nil {
		return fmt.Errorf("buffer: queue %s: done: %w", q.name, err)
	}
	defer q.db.leave()
	err := q.db.commit.do(func(b *batch) ([]write, error) {
		ttl := q.db.opts.DeliveredTTL
		exp := binary.BigEndian.AppendUint64(nil, uint64(q.db.now().Add(ttl).UnixNano()))
		ws := []write{{key: cat(q.pDone, []byte(id)), value: exp, ttl: ttl}}
		ik := cat(q.pIndex, []byte(id))
		it, err := b.txn.Get(ik)
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
			return ws, nil
		case err != nil:
			return nil, err
		}
		sk, err := it.ValueCopy(nil)
		if err != nil {
			return nil, err
		}
		return append(ws, write{key: cat(q.pItem, sk), del: true}, write{key: ik, del: true}), nil
	})
	if err != nil {
		return fmt.Errorf("buffer: queue %s: done: %w", q.name, err)
	}
	return nil
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
	n, err := countPrefix(q.db.bdb, q.pIndex)
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
