package buffer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

func TestOpenLocked(t *testing.T) {
	db, dir := openTest(t, "", DefaultOptions())
	_, err := Open(dir, DefaultOptions(), nil)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), dir) {
		t.Fatalf("error %q does not name the directory", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestOpenBadOptions(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Options)
	}{
		{"tiny memtable", func(o *Options) { o.MemTableSize = 1000 }},
		{"threshold above batch", func(o *Options) { o.ValueThreshold = o.MemTableSize }},
		{"one compactor", func(o *Options) { o.NumCompactors = 1 }},
		{"snappy without cache", func(o *Options) { o.BlockCacheSize = 0 }},
		{"zero ttl", func(o *Options) { o.DeliveredTTL = 0 }},
		{"gc ratio", func(o *Options) { o.GCDiscardRatio = 1 }},
	}
	for _, tt := range tests {
		o := DefaultOptions()
		tt.edit(&o)
		if _, err := Open(t.TempDir(), o, nil); err == nil || !strings.HasPrefix(err.Error(), "buffer: ") {
			t.Errorf("%s: Open error = %v", tt.name, err)
		}
	}
	if _, err := Open("", DefaultOptions(), nil); err == nil {
		t.Error("Open accepted an empty directory")
	}
}

// TestKeyPrefixes checks that every key this package writes carries its
// type prefix.
func TestKeyPrefixes(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	if _, err := db.Queue("out").PutIfAbsent("a", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Queue("out").PutIfAbsent("b", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := db.Queue("out").Done("a"); err != nil {
		t.Fatal(err)
	}
	if err := db.Store("j").Put([]byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	var keys []string
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			keys = append(keys, string(it.Item().Key()))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "c/q/out c/q/out/bytes c/q/out/n q/out/c/\x02\x00\x00\x00\x00\x00\x00\x00\x02 " +
		"q/out/d/a q/out/i/b q/out/p/\x00\x00\x00\x00\x00\x00\x00\x02 s/j/k"
	if got := strings.Join(keys, " "); got != want {
		t.Fatalf("keys:\n%q\nwant\n%q", got, want)
	}
}

func TestRunGCStops(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { db.RunGC(ctx, 1); close(done) }()
	// Give the loop work: values above the threshold, then deleted.
	s := db.Store("big")
	big := make([]byte, 4<<10)
	for i := 0; i < 50; i++ {
		if err := s.Put([]byte{byte(i)}, big); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DeleteRange(nil, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := db.gcOnce(); err != nil {
		t.Fatalf("gcOnce = %d, %v", n, err)
	}
	if err := db.Close(); err != nil { // Close must stop and wait for RunGC
		t.Fatal(err)
	}
	select {
	case <-done:
	default:
		t.Fatal("RunGC still running after Close returned")
	}
	// After Close, RunGC returns at once.
	db.RunGC(ctx, 1)
}

// TestCloseDuringScan closes the DB while a Scan callback runs and writes:
// Close waits for the Scan, and the write inside it fails with ErrClosed
// instead of deadlocking.
func TestCloseDuringScan(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	s := db.Store("j")
	if err := s.Put([]byte("a"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	inside := make(chan struct{})
	putErr := make(chan error, 1)
	scanErr := make(chan error, 1)
	go func() {
		scanErr <- s.Scan(nil, nil, func(k, v []byte) error {
			close(inside)
			testutil.WaitFor(t, "Close to start", 10*time.Second, func() bool {
				db.life.Lock()
				defer db.life.Unlock()
				return db.closed
			})
			putErr <- s.Put([]byte("b"), []byte("2"))
			return nil
		})
	}()
	<-inside
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-scanErr; err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if err := <-putErr; !errors.Is(err, ErrClosed) {
		t.Fatalf("Put during Close = %v, want ErrClosed", err)
	}
	if _, err := s.Get([]byte("a")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Get after Close = %v, want ErrClosed", err)
	}
}

func TestOpenNotADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(file, DefaultOptions(), nil)
	if err == nil || !strings.Contains(err.Error(), file) {
		t.Fatalf("Open(file) = %v, want an error naming %s", err, file)
	}
}
