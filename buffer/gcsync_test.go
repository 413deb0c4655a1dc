package buffer

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

// valueLogs lists the value-log files in dir.
func valueLogs(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".vlog") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestGCKeepsFileUntilSynced: when the sync after a value-log rewrite
// fails (a full or failing card), the rewritten file is not deleted: the
// values moved out of it may not be on disk. It goes once a sync succeeds.
// Before, the file was deleted whatever the sync said.
func TestGCKeepsFileUntilSynced(t *testing.T) {
	opts := DefaultOptions()
	opts.ValueLogFileSize = 1 << 20 // Badger's least: three files below
	opts.MemTableSize = 1 << 20
	db, dir := openTest(t, "", opts)
	big, small := db.Store("big"), db.Store("fill")
	for i := range 600 { // 2.4 MiB of values in the value log
		if err := big.Put([]byte{byte(i >> 8), byte(i)}, make([]byte, 4<<10)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := big.DeleteRange(nil, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 6000 { // memtables flushed: the deletes counted as garbage
		if err := small.Put([]byte{byte(i >> 8), byte(i)}, make([]byte, 500)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.bdb.Flatten(1); err != nil {
		t.Fatal(err)
	}
	before := valueLogs(t, dir)
	eio := errors.New("input/output error")
	db.commit.logs.sync = func(string) error { return eio }
	if _, err := db.gcOnce(); !errors.Is(err, eio) {
		t.Fatalf("gc with a failing sync: %v, want the sync's error", err)
	}
	got := valueLogs(t, dir)
	for _, f := range before {
		if !slices.Contains(got, f) {
			t.Fatalf("value logs %v after a rewrite whose sync failed, want %v kept", got, before)
		}
	}
	db.commit.logs.sync = syncFile
	if n, err := db.gcOnce(); err != nil {
		t.Fatalf("gc after the card recovered: %d, %v", n, err)
	}
	if got := valueLogs(t, dir); slices.Contains(got, before[0]) {
		t.Errorf("value logs %v: %s rewritten and synced, still there", got, before[0])
	}
}
