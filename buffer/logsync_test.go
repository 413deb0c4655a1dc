package buffer

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestSyncSwitchedBetweenSyncs: a log file created and switched away from
// between two syncs (two memtables filled, or two value-log files, by
// lazy batches or value-log GC) holds writes no sync covered yet; Badger's
// Sync covers only the newest, so syncSwitched must sync it too, not only
// the files known at the last sync.
func TestSyncSwitchedBetweenSyncs(t *testing.T) {
	dir := t.TempDir()
	touch := func(n string) {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	touch("00001.mem")
	touch("000001.vlog")
	l := newLogFiles(dir)
	var synced []string
	l.sync = func(p string) error {
		synced = append(synced, filepath.Base(p))
		return nil
	}
	touch("00002.mem") // filled and switched away from
	touch("00003.mem") // the active one, synced by Badger
	if err := l.syncSwitched(); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"00001.mem", "00002.mem", "000001.vlog"} {
		if !slices.Contains(synced, n) {
			t.Errorf("synced %q, not %s", synced, n)
		}
	}
}

// TestCloseReportsSyncError: Close syncs what lazy batches wrote; when
// that fails (EIO, a card pulled) the caller must hear it, as a synced
// commit's writer does, not find it in a warning only.
func TestCloseReportsSyncError(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "db"), DefaultOptions(), testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	b := db.NewBatch()
	b.Put(db.Store("raw"), []byte("k"), make([]byte, 4<<10))
	if err := b.CommitLazy(); err != nil {
		t.Fatal(err)
	}
	eio := errors.New("input/output error")
	db.commit.logs.sync = func(string) error { return eio }
	if err := db.Close(); !errors.Is(err, eio) {
		t.Fatalf("Close = %v, want the sync error", err)
	}
}

// TestSyncValueLogsOnceEach: after a value-log switch every value-log
// file known at the last sync or now is synced, each once (a file known
// then and now was synced twice: one more fsync on the card for nothing).
func TestSyncValueLogsOnceEach(t *testing.T) {
	dir := t.TempDir()
	touch := func(n string) {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	touch("000001.vlog")
	l := newLogFiles(dir)
	var synced []string
	l.sync = func(p string) error {
		synced = append(synced, filepath.Base(p))
		return nil
	}
	touch("000002.vlog") // the switch
	if err := l.syncValueLogs(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(synced)
	if want := []string{"000001.vlog", "000002.vlog"}; !slices.Equal(synced, want) {
		t.Fatalf("synced %q, want %q", synced, want)
	}
}
