package buffer

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// zeroValueLogs zeroes the newest value-log file of dir after its header:
// its pages never reached the disk.
func zeroValueLogs(t *testing.T, dir string) {
	t.Helper()
	ms, _ := filepath.Glob(filepath.Join(dir, "*.vlog"))
	if len(ms) == 0 {
		t.Fatalf("no value-log file in %s", dir)
	}
	slices.Sort(ms)
	p := ms[len(ms)-1]
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	clear(b[20:]) // Badger's vlogHeaderSize
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestScanSkipsValueLostAtPowerCut: a lazy write of a value above
// ValueThreshold puts the value in the value log and a pointer to it in
// the memtable's log; with Badger's SyncWrites off either page may reach
// the disk without the other at a power cut (the kernel writes pages
// back in any order, a memtable flushed to a table is synced by Badger
// with the value log not, a power cut inside a sync that did the
// memtable's log first). The write may be lost, but Badger then logs the read
// error and returns an empty value instead (iterator.go yieldItemValue):
// the raw input log (agent/rawlog Load, at every start) failed on it,
// "shorter than its header", and the agent did not start. The store must
// stay readable around it, the lost value skipped.
func TestScanSkipsValueLostAtPowerCut(t *testing.T) {
	opts := DefaultOptions()
	db, dir := openTest(t, "", opts)
	s := db.Store("raw")
	if err := s.Put([]byte("a"), []byte("synced before")); err != nil {
		t.Fatal(err)
	}
	b := db.NewBatch()
	b.Put(s, []byte("b"), bytes.Repeat([]byte("x"), 4<<10)) // value log
	b.Put(s, []byte("c"), []byte("lazy, small"))
	if err := b.CommitLazy(); err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut")
	copyDir(t, dir, cut) // as the disk holds it: the memtable's log made it, the value log did not
	zeroValueLogs(t, cut)

	db2, _ := openTest(t, cut, opts)
	var keys []string
	err := db2.Store("raw").Scan(nil, nil, func(k, v []byte) error {
		if len(v) == 0 {
			t.Errorf("Scan passed %q with an empty value: Badger swallowed the read error", k)
		}
		keys = append(keys, string(k))
		return nil
	})
	if err != nil {
		t.Fatalf("Scan after a power cut lost an unsynced value: %v", err)
	}
	if want := []string{"a", "c"}; !slices.Equal(keys, want) {
		t.Fatalf("Scan = %q, want %q: the lost value skipped, the others read", keys, want)
	}
	if _, err := db2.Store("raw").Get([]byte("b")); err == nil {
		t.Fatal("Get of the lost value: no error")
	}
}
