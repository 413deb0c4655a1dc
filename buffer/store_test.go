package buffer

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func scanKeys(t *testing.T, s *Store, from, to []byte) string {
	t.Helper()
	var keys []string
	err := s.Scan(from, to, func(k, v []byte) error {
		if want := "v" + string(k); string(v) != want {
			t.Errorf("value of %s = %q, want %q", k, v, want)
		}
		keys = append(keys, string(k))
		return nil
	})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return strings.Join(keys, ",")
}

func TestStoreScan(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	s := db.Store("j")
	var kvs []KV
	for _, k := range []string{"b", "a", "c", "ab", "d", "\xff\xff"} {
		kvs = append(kvs, KV{Key: []byte(k), Value: []byte("v" + k)})
	}
	if err := s.PutBatch(kvs); err != nil {
		t.Fatal(err)
	}
	// A neighbouring store must not leak into scans.
	if err := db.Store("i").Put([]byte("zz"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := db.Store("jj").Put([]byte("a"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		from, to string
		nilFrom  bool
		nilTo    bool
		want     string
	}{
		{nilFrom: true, nilTo: true, want: "a,ab,b,c,d,\xff\xff"},
		{from: "ab", to: "c", want: "ab,b"},
		{from: "b", nilTo: true, want: "b,c,d,\xff\xff"},
		{nilFrom: true, to: "b", want: "a,ab"},
		{from: "c", to: "c", want: ""},
		{from: "e", to: "f", want: ""},
	}
	for _, tt := range tests {
		from, to := []byte(tt.from), []byte(tt.to)
		if tt.nilFrom {
			from = nil
		}
		if tt.nilTo {
			to = nil
		}
		if got := scanKeys(t, s, from, to); got != tt.want {
			t.Errorf("Scan(%q, %q) = %q, want %q", from, to, got, tt.want)
		}
	}

	stop := errors.New("stop")
	n := 0
	err := s.Scan(nil, nil, func(k, v []byte) error { n++; return stop })
	if err != stop || n != 1 {
		t.Fatalf("Scan with stopping fn: n=%d err=%v", n, err)
	}
}

func TestStoreGetDelete(t *testing.T) {
	opts := DefaultOptions()
	db, dir := openTest(t, "", opts)
	s := db.Store("j")
	if _, err := s.Get([]byte("a")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing: %v, want ErrNotFound", err)
	}
	if err := s.Put([]byte("a"), []byte("va")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put([]byte("b"), []byte("vb")); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db, dir, opts)
	s = db.Store("j")
	if v, err := s.Get([]byte("a")); err != nil || string(v) != "va" {
		t.Fatalf("Get(a) after reopen = %q, %v", v, err)
	}
	if err := s.Delete([][]byte{[]byte("a"), []byte("missing")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get([]byte("a")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get deleted: %v, want ErrNotFound", err)
	}
	if got := scanKeys(t, s, nil, nil); got != "b" {
		t.Fatalf("after Delete: %q", got)
	}
	if err := s.Put(nil, []byte("x")); err == nil {
		t.Fatal("Put accepted an empty key")
	}
	if err := db.Store("a/b").Put([]byte("k"), nil); err == nil {
		t.Fatal("Store accepted a name with '/'")
	}
}

// TestStoreLargeBatch writes more than Badger commits at once (15% of an
// 8 MiB memtable) and deletes it again by range.
func TestStoreLargeBatch(t *testing.T) {
	opts := DefaultOptions()
	db, dir := openTest(t, "", opts)
	s := db.Store("big")
	val := bytes.Repeat([]byte("x"), 900)
	var kvs []KV
	for i := 0; i < 5000; i++ {
		kvs = append(kvs, KV{Key: []byte(fmt.Sprintf("k%05d", i)), Value: val})
	}
	if err := s.PutBatch(kvs); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db, dir, opts)
	s = db.Store("big")
	n := 0
	if err := s.Scan(nil, nil, func(k, v []byte) error {
		if want := fmt.Sprintf("k%05d", n); string(k) != want || !bytes.Equal(v, val) {
			return fmt.Errorf("key %d = %q, want %q", n, k, want)
		}
		n++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != 5000 {
		t.Fatalf("%d keys after reopen, want 5000", n)
	}
	del, err := s.DeleteRange([]byte("k01000"), []byte("k04000"))
	if err != nil || del != 3000 {
		t.Fatalf("DeleteRange = %d, %v; want 3000", del, err)
	}
	n = 0
	if err := s.Scan(nil, nil, func(k, v []byte) error { n++; return nil }); err != nil || n != 2000 {
		t.Fatalf("after DeleteRange %d keys (%v), want 2000", n, err)
	}
}

// TestStoreConcurrentPutBatch runs 8 writers x 200 batches, reopens and
// checks every key is there exactly once.
func TestStoreConcurrentPutBatch(t *testing.T) {
	const workers, per, batch = 8, 200, 3
	opts := DefaultOptions()
	db, dir := openTest(t, "", opts)
	s := db.Store("j")
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				var kvs []KV
				for j := 0; j < batch; j++ {
					k := fmt.Sprintf("w%d-%03d-%d", w, i, j)
					kvs = append(kvs, KV{Key: []byte(k), Value: []byte("v" + k)})
				}
				if err := s.PutBatch(kvs); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	db = reopen(t, db, dir, opts)
	keys := strings.Split(scanKeys(t, db.Store("j"), nil, nil), ",")
	if len(keys) != workers*per*batch {
		t.Fatalf("%d keys after reopen, want %d", len(keys), workers*per*batch)
	}
	for i := 1; i < len(keys); i++ {
		if keys[i] <= keys[i-1] {
			t.Fatalf("keys out of order or repeated: %q then %q", keys[i-1], keys[i])
		}
	}
}

func TestStorePutSeq(t *testing.T) {
	opts := DefaultOptions()
	db, dir := openTest(t, "", opts)
	keys, err := db.Store("j").PutSeq([]KV{{Key: []byte("t"), Value: []byte("a")}, {Key: []byte("t"), Value: []byte("b")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%x", keys); got != "[740000000000000001 740000000000000002]" {
		t.Fatalf("PutSeq keys = %s", got)
	}
	db = reopen(t, db, dir, opts)
	// Queues and stores count independently; the counter survives reopen.
	if _, err := db.Queue("j").PutIfAbsent("x", nil); err != nil {
		t.Fatal(err)
	}
	keys, err = db.Store("j").PutSeq([]KV{{Key: []byte("t"), Value: []byte("c")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%x", keys); got != "[740000000000000003]" {
		t.Fatalf("PutSeq keys after reopen = %s", got)
	}
	var vals []string
	if err := db.Store("j").Scan(nil, nil, func(k, v []byte) error { vals = append(vals, string(v)); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(vals, ""); got != "abc" {
		t.Fatalf("values = %q, want abc", got)
	}
}
