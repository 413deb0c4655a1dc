package buffer

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// maxDropsPerTxn bounds the entries one transaction sheds or expires, well
// inside Badger's transaction limits.
const maxDropsPerTxn = 1024

// victim is a pending entry chosen to be dropped.
type victim struct {
	class Class
	seq   uint64
	cost  int64
}

// candidates returns the oldest entries of class c (in the batch's view)
// for which keep returns true, stopping at the first it rejects, when
// enough returns true, or at limit entries.
func (q *Queue) candidates(b *batch, c Class, limit int, keep func(cost int64, stored time.Time) bool, enough func() bool) ([]victim, error) {
	prefix := cat(q.pClass, []byte{byte(c)})
	opt := badger.DefaultIteratorOptions
	opt.Prefix = prefix
	opt.PrefetchValues = false
	mark, err := b.load(q.markKey, 0)
	if err != nil {
		return nil, err
	}
	it := b.txn.NewIterator(opt)
	defer it.Close()
	var vs []victim
	// Entries up to the watermark are delivered, not candidates.
	for it.Seek(q.classKey(c, mark+1)); it.Valid() && len(vs) < limit && !enough(); it.Next() {
		key := it.Item().Key()
		if len(key) != len(prefix)+8 {
			return nil, fmt.Errorf("bad class index key %q", key)
		}
		var cost int64
		var stored time.Time
		err := it.Item().Value(func(v []byte) error {
			var err error
			cost, stored, err = decodeMeta(v)
			return err
		})
		if err != nil {
			return nil, err
		}
		if !keep(cost, stored) {
			break
		}
		vs = append(vs, victim{class: c, seq: binary.BigEndian.Uint64(key[len(prefix):]), cost: cost})
	}
	return vs, nil
}

// shed picks the entries to drop so that a newcomer of class c fits:
// need bytes, from the lowest class up to c (never critical), oldest
// first. It changes nothing; drop applies the choice.
func (q *Queue) shed(b *batch, c Class, need int64) ([]victim, int64, error) {
	var all []victim
	var freed int64
	for cl := ClassInfo; cl <= min(c, ClassWarning) && freed < need; cl++ {
		vs, err := q.candidates(b, cl, maxDropsPerTxn-len(all),
			func(cost int64, _ time.Time) bool { freed += cost; return true },
			func() bool { return freed >= need })
		if err != nil {
			return nil, 0, err
		}
		all = append(all, vs...)
	}
	return all, freed, nil
}

// drop plans the deletion of vs, remembers their ids like delivered ones
// and counts each under counter(class).
func (q *Queue) drop(b *batch, vs []victim, counter func(Class) []byte) ([]write, error) {
	var ws []write
	for _, v := range vs {
		sk := binary.BigEndian.AppendUint64(nil, v.seq)
		it, err := b.txn.Get(cat(q.pItem, sk))
		if err != nil {
			return nil, fmt.Errorf("item %d of the class index: %w", v.seq, err)
		}
		raw, err := it.ValueCopy(nil)
		if err != nil {
			return nil, err
		}
		id, _, err := decodeItem(raw)
		if err != nil {
			return nil, err
		}
		rm, err := q.remove(b, id, append(sk, byte(v.class)))
		if err != nil {
			return nil, err
		}
		if _, err := b.add(counter(v.class), 1); err != nil {
			return nil, err
		}
		ws = append(ws, rm...)
		ws = append(ws, q.memory(id))
	}
	return ws, nil
}

// Expire drops the entries stored more than Limits.MaxAge ago, counts
// them (QueueStats.Expired) and returns how many it dropped. It does
// nothing without a MaxAge. Call it periodically.
func (q *Queue) Expire() (int, error) {
	if q.err != nil {
		return 0, q.err
	}
	lim := q.limits.get()
	if lim.MaxAge <= 0 {
		return 0, nil
	}
	if err := q.db.enter(); err != nil {
		return 0, fmt.Errorf("buffer: queue %s: expire: %w", q.name, err)
	}
	defer q.db.leave()
	total := 0
	for {
		cutoff := q.db.now().Add(-lim.MaxAge)
		n := 0
		err := q.db.commit.do(func(b *batch) ([]write, error) {
			n = 0
			var all []victim
			for cl := range numClasses {
				vs, err := q.candidates(b, cl, maxDropsPerTxn-len(all),
					func(_ int64, stored time.Time) bool { return stored.Before(cutoff) },
					func() bool { return false })
				if err != nil {
					return nil, err
				}
				all = append(all, vs...)
			}
			n = len(all)
			return q.drop(b, all, func(Class) []byte { return q.expKey })
		})
		if err != nil {
			return total, fmt.Errorf("buffer: queue %s: expire: %w", q.name, err)
		}
		total += n
		if n < maxDropsPerTxn {
			return total, nil
		}
	}
}

// Stats returns the queue's depth, bytes, oldest entry and loss counters
// from one consistent snapshot.
func (q *Queue) Stats() (QueueStats, error) {
	if q.err != nil {
		return QueueStats{}, q.err
	}
	if err := q.db.enter(); err != nil {
		return QueueStats{}, fmt.Errorf("buffer: queue %s: stats: %w", q.name, err)
	}
	defer q.db.leave()
	var st QueueStats
	err := q.db.bdb.View(func(txn *badger.Txn) error {
		n, err := readCounter(txn, q.nKey, 0)
		if err != nil {
			return err
		}
		bytes, err := readCounter(txn, q.bytesKy, 0)
		if err != nil {
			return err
		}
		st.Depth, st.Bytes = int(n), int64(bytes)
		if st.Expired, err = readCounter(txn, q.expKey, 0); err != nil {
			return err
		}
		if st.Unreadable, err = readCounter(txn, q.lostKey, 0); err != nil {
			return err
		}
		mark, err := q.markOf(txn)
		if err != nil {
			return err
		}
		for c := range numClasses {
			v, err := readCounter(txn, q.shedKey[c], 0)
			if err != nil {
				return err
			}
			st.Shed.add(c, v)
			if err := q.oldest(txn, c, mark, &st.Oldest); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return QueueStats{}, fmt.Errorf("buffer: queue %s: stats: %w", q.name, err)
	}
	q.limits.mu.Lock()
	st.DiskFull = q.limits.diskFull
	q.limits.mu.Unlock()
	return st, nil
}

// oldest lowers *t to the stored time of class c's oldest entry above
// the watermark mark.
func (q *Queue) oldest(txn *badger.Txn, c Class, mark uint64, t *time.Time) error {
	opt := badger.DefaultIteratorOptions
	opt.Prefix = cat(q.pClass, []byte{byte(c)})
	opt.PrefetchValues = false
	it := txn.NewIterator(opt)
	defer it.Close()
	it.Seek(q.classKey(c, mark+1))
	if !it.Valid() {
		return nil
	}
	return it.Item().Value(func(v []byte) error {
		_, stored, err := decodeMeta(v)
		if err != nil {
			return err
		}
		if t.IsZero() || stored.Before(*t) {
			*t = stored
		}
		return nil
	})
}
