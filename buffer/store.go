package buffer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// KV is one key and value for Store.PutBatch.
type KV struct {
	Key   []byte
	Value []byte
}

// Store is an ordered keyed store: keys sort as bytes, under the prefix
// "s/<name>/". Its PutSeq counter lives under "c/s/<name>".
// All methods are safe for concurrent use.
type Store struct {
	db     *DB
	name   string
	err    error // invalid name
	prefix []byte
	seqKey []byte
}

func newStore(db *DB, name string) *Store {
	return &Store{
		db:     db,
		name:   name,
		err:    checkName("store", name),
		prefix: []byte("s/" + name + "/"),
		seqKey: []byte("c/s/" + name),
	}
}

// Put stores value under key, synced before it returns. Puts fail with
// ErrDiskFull below Options.MinFreeBytes of free disk; deletes do not.
func (s *Store) Put(key, value []byte) error {
	return s.PutBatch([]KV{{Key: key, Value: value}})
}

// PutBatch stores many pairs in one synced write; concurrent callers'
// writes share one fsync (see commit.go). A batch larger than one Badger
// transaction (about 10% of MemTableSize) is split into several synced
// writes, so only each part is atomic.
func (s *Store) PutBatch(kvs []KV) error {
	ws := make([]write, len(kvs))
	for i, kv := range kvs {
		if err := s.checkKey(kv.Key); err != nil {
			return fmt.Errorf("buffer: store %s: put: %w", s.name, err)
		}
		ws[i] = write{key: cat(s.prefix, kv.Key), value: kv.Value}
	}
	if err := s.db.space.check(); err != nil {
		return fmt.Errorf("buffer: store %s: put %d: %w", s.name, len(kvs), err)
	}
	if err := s.write(ws); err != nil {
		return fmt.Errorf("buffer: store %s: put %d: %w", s.name, len(kvs), err)
	}
	return nil
}

// PutSeq stores each value under its key followed by a fresh 8-byte
// big-endian number from the store's counter (1, 2, 3, ... never reused,
// across restarts and crashes), in one synced write, and returns the full
// keys. Use it for append-only logs whose keys must stay unique.
func (s *Store) PutSeq(kvs []KV) ([][]byte, error) {
	if s.err != nil {
		return nil, s.err
	}
	for _, kv := range kvs {
		if err := s.checkKey(kv.Key); err != nil {
			return nil, fmt.Errorf("buffer: store %s: put: %w", s.name, err)
		}
	}
	if err := s.db.enter(); err != nil {
		return nil, fmt.Errorf("buffer: store %s: put: %w", s.name, err)
	}
	defer s.db.leave()
	if err := s.db.space.check(); err != nil {
		return nil, fmt.Errorf("buffer: store %s: put %d: %w", s.name, len(kvs), err)
	}
	keys := make([][]byte, len(kvs))
	for _, part := range s.split(len(kvs), func(i int) write {
		return write{key: kvs[i].Key, value: kvs[i].Value}
	}) {
		err := s.db.commit.do(func(b *batch) ([]write, error) {
			first, err := b.reserve(s.seqKey, uint64(part.hi-part.lo))
			if err != nil {
				return nil, err
			}
			ws := make([]write, 0, part.hi-part.lo)
			for i := part.lo; i < part.hi; i++ {
				k := binary.BigEndian.AppendUint64(append([]byte(nil), kvs[i].Key...), first+uint64(i-part.lo))
				keys[i] = k
				ws = append(ws, write{key: cat(s.prefix, k), value: kvs[i].Value})
			}
			return ws, nil
		})
		if err != nil {
			return nil, fmt.Errorf("buffer: store %s: put %d: %w", s.name, len(kvs), err)
		}
	}
	return keys, nil
}

// Delete removes keys (missing ones are ignored) in one synced write,
// split like PutBatch when very large.
func (s *Store) Delete(keys [][]byte) error {
	ws := make([]write, len(keys))
	for i, k := range keys {
		ws[i] = write{key: cat(s.prefix, k), del: true}
	}
	if err := s.write(ws); err != nil {
		return fmt.Errorf("buffer: store %s: delete %d: %w", s.name, len(keys), err)
	}
	return nil
}

// checkKey rejects keys Badger cannot store.
func (s *Store) checkKey(k []byte) error {
	if len(k) == 0 {
		return errors.New("empty key")
	}
	if len(k) > maxKeyLen {
		return fmt.Errorf("key of %d bytes longer than %d", len(k), maxKeyLen)
	}
	return nil
}

// maxKeyLen leaves room for prefixes below Badger's 65000-byte key limit.
const maxKeyLen = 60000

// span is a part [lo, hi) of a write list.
type span struct{ lo, hi int }

// split cuts n writes into parts that each fit one transaction.
func (s *Store) split(n int, w func(i int) write) []span {
	var parts []span
	lo := 0
	var size, count int64
	for i := 0; i < n; i++ {
		e := s.db.commit.estimate(w(i)) + int64(len(s.prefix)) + 8
		if i > lo && !s.db.commit.fits(size+e+64, count+2) {
			parts = append(parts, span{lo, i})
			lo, size, count = i, 0, 0
		}
		size, count = size+e, count+1
	}
	if n > lo {
		parts = append(parts, span{lo, n})
	}
	return parts
}

// write commits ws in as few synced group-committed writes as fit.
func (s *Store) write(ws []write) error {
	if s.err != nil {
		return s.err
	}
	if len(ws) == 0 {
		return nil
	}
	if err := s.db.enter(); err != nil {
		return err
	}
	defer s.db.leave()
	for _, part := range s.split(len(ws), func(i int) write { return ws[i] }) {
		part := ws[part.lo:part.hi]
		if err := s.db.commit.do(func(*batch) ([]write, error) { return part, nil }); err != nil {
			return err
		}
	}
	return nil
}

// Get returns a copy of the value under key, or an error wrapping
// ErrNotFound.
func (s *Store) Get(key []byte) ([]byte, error) {
	if s.err != nil {
		return nil, s.err
	}
	if err := s.db.enter(); err != nil {
		return nil, fmt.Errorf("buffer: store %s: get: %w", s.name, err)
	}
	defer s.db.leave()
	var v []byte
	err := s.db.bdb.View(func(txn *badger.Txn) error {
		it, err := txn.Get(cat(s.prefix, key))
		if err != nil {
			return err
		}
		v, err = valueOf(it)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("buffer: store %s: get %x: %w", s.name, key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("buffer: store %s: get %x: %w", s.name, key, err)
	}
	return v, nil
}

// Scan calls fn for each key in [from, to) in ascending order, from one
// consistent snapshot; from == nil starts at the first key, to == nil runs
// to the end. fn gets copies it may keep. An error from fn stops the scan
// and is returned unchanged. A key whose value cannot be read (see
// valueOf) is skipped and logged at error level: the store stays
// readable around it.
func (s *Store) Scan(from, to []byte, fn func(key, value []byte) error) error {
	return s.scan(from, to, true, fn)
}

// DeleteRange deletes every key in [from, to) (nil bounds as in Scan) and
// returns how many it deleted. It deletes in synced chunks, so a crash
// may leave a prefix of the range deleted.
func (s *Store) DeleteRange(from, to []byte) (int, error) {
	const chunk = 1024
	total := 0
	for {
		var keys [][]byte
		err := s.scan(from, to, false, func(k, _ []byte) error {
			keys = append(keys, k)
			if len(keys) == chunk {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			return total, err
		}
		if len(keys) == 0 {
			return total, nil
		}
		if err := s.Delete(keys); err != nil {
			return total, err
		}
		total += len(keys)
		from = append(keys[len(keys)-1], 0) // next key after the last one
	}
}

// errUnreadable: a key's value is not where its pointer says.
var errUnreadable = errors.New("value not in the value log (lost at a power cut or damaged)")

// valueOf returns a copy of item's value. Badger v4 returns no error
// when the value log does not hold the value a key points to (a value
// written without sync whose pointer reached the disk and value did not
// at a power cut, or a damaged value-log file): it logs it and returns
// an empty value (iterator.go, yieldItemValue). A value of a key that
// says it has one but reads empty is therefore unreadable.
func valueOf(item *badger.Item) ([]byte, error) {
	v, err := item.ValueCopy(nil)
	if err == nil && len(v) == 0 && item.ValueSize() > 0 {
		err = errUnreadable
	}
	return v, err
}

// errStop ends an internal scan early.
var errStop = errors.New("buffer: stop scan")

// scan iterates [from, to); withValues false passes nil values.
func (s *Store) scan(from, to []byte, withValues bool, fn func(key, value []byte) error) error {
	if s.err != nil {
		return s.err
	}
	if err := s.db.enter(); err != nil {
		return fmt.Errorf("buffer: store %s: scan: %w", s.name, err)
	}
	defer s.db.leave()
	start := cat(s.prefix, from)
	end := prefixEnd(s.prefix)
	if to != nil {
		end = cat(s.prefix, to)
	}
	var fnErr error
	err := s.db.bdb.View(func(txn *badger.Txn) error {
		opt := badger.DefaultIteratorOptions
		opt.Prefix = s.prefix
		opt.PrefetchValues = withValues
		it := txn.NewIterator(opt)
		defer it.Close()
		for it.Seek(start); it.Valid(); it.Next() {
			item := it.Item()
			if bytes.Compare(item.Key(), end) >= 0 {
				return nil
			}
			k := item.KeyCopy(nil)[len(s.prefix):]
			var v []byte
			if withValues {
				var err error
				if v, err = valueOf(item); err != nil {
					s.db.log.Error("buffer: skipping an unreadable store entry", "store", s.name, "key", string(k), "error", err)
					continue
				}
			}
			if err := fn(k, v); err != nil {
				fnErr = err
				return err
			}
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("buffer: store %s: scan: %w", s.name, err)
	}
	return nil
}

// LastKey returns the largest key in the store, or ErrNotFound when it is
// empty.
func (s *Store) LastKey() ([]byte, error) {
	if s.err != nil {
		return nil, s.err
	}
	if err := s.db.enter(); err != nil {
		return nil, fmt.Errorf("buffer: store %s: last key: %w", s.name, err)
	}
	defer s.db.leave()
	var last []byte
	err := s.db.bdb.View(func(txn *badger.Txn) error {
		opt := badger.DefaultIteratorOptions
		opt.Prefix = s.prefix
		opt.PrefetchValues = false
		opt.Reverse = true
		it := txn.NewIterator(opt)
		defer it.Close()
		it.Seek(prefixEnd(s.prefix))
		if it.ValidForPrefix(s.prefix) {
			last = it.Item().KeyCopy(nil)[len(s.prefix):]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("buffer: store %s: last key: %w", s.name, err)
	}
	if last == nil {
		return nil, ErrNotFound
	}
	return last, nil
}
