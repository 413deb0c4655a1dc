package buffer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestBatch commits writes to two stores in one transaction: puts,
// numbered puts continuing the store's own PutSeq counter, and deletes.
func TestBatch(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	raw, j := db.Store("raw"), db.Store("j")
	if _, err := j.PutSeq([]KV{{Key: []byte("e"), Value: []byte("first")}}); err != nil {
		t.Fatal(err)
	}
	if err := raw.Put([]byte("old"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	before := db.commit.txns.Load()
	b := db.NewBatch()
	b.Put(raw, []byte("new"), []byte("y"))
	b.PutSeq(j, []KV{{Key: []byte("e"), Value: []byte("second")}, {Key: []byte("e"), Value: []byte("third")}})
	b.Delete(raw, []byte("old"), []byte("missing"))
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := db.commit.txns.Load() - before; n != 1 {
		t.Errorf("batch took %d transactions, want 1", n)
	}
	keys := b.Keys()
	if len(keys) != 2 || binary.BigEndian.Uint64(keys[0][1:]) != 2 || binary.BigEndian.Uint64(keys[1][1:]) != 3 {
		t.Errorf("PutSeq keys = %x, want e+2, e+3", keys)
	}
	if got := scanValues(t, j); got != "first,second,third" {
		t.Errorf("journal = %s", got)
	}
	if got := scanValues(t, raw); got != "y" {
		t.Errorf("raw = %s", got)
	}
	k, err := j.PutSeq([]KV{{Key: []byte("e"), Value: []byte("fourth")}})
	if err != nil || binary.BigEndian.Uint64(k[0][1:]) != 4 {
		t.Errorf("PutSeq after the batch: %x, %v; want e+4", k, err)
	}
}

// TestBatchLarge splits a batch larger than one transaction and keeps its
// order.
func TestBatchLarge(t *testing.T) {
	opts := DefaultOptions()
	opts.MemTableSize = 1 << 20
	db, _ := openTest(t, "", opts)
	s := db.Store("raw")
	b := db.NewBatch()
	var kvs []KV
	for i := range 3000 {
		kvs = append(kvs, KV{Key: []byte("k"), Value: fmt.Appendf(nil, "%0200d", i)})
	}
	b.PutSeq(s, kvs)
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := s.Scan(nil, nil, func(k, v []byte) error {
		if want := fmt.Sprintf("%0200d", n); string(v) != want {
			return fmt.Errorf("value %d out of order", n)
		}
		n++
		return nil
	})
	if err != nil || n != 3000 {
		t.Fatalf("scan: %d values, %v", n, err)
	}
}

// TestBatchDiskFull refuses a growing batch below the free-space reserve
// and still commits a batch of deletes.
func TestBatchDiskFull(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	s := db.Store("raw")
	if err := s.Put([]byte("a"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	db.space.reserve = 1 << 62
	db.space.checked = time.Time{}
	b := db.NewBatch()
	b.Put(s, []byte("b"), []byte("y"))
	if err := b.Commit(); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("growing batch on a full disk: %v, want ErrDiskFull", err)
	}
	b = db.NewBatch()
	b.Delete(s, []byte("a"))
	if err := b.Commit(); err != nil {
		t.Fatalf("delete batch on a full disk: %v", err)
	}
	if got := scanValues(t, s); got != "" {
		t.Errorf("store = %q, want empty", got)
	}
}

func scanValues(t *testing.T, s *Store) string {
	t.Helper()
	out := ""
	err := s.Scan(nil, nil, func(_, v []byte) error {
		if out != "" {
			out += ","
		}
		out += string(v)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
