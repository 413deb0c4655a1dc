package buffer

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"testing"
	"time"
)

// testLog writes Badger's warnings and errors to the test log.
func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}

// openTest opens a DB in dir (a fresh temp dir when dir is "") and closes
// it when the test ends unless the test closed it first.
func openTest(t testing.TB, dir string, opts Options) (*DB, string) {
	t.Helper()
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "db")
	}
	db, err := Open(dir, opts, testLog(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, dir
}

// reopen closes db and opens dir again.
func reopen(t testing.TB, db *DB, dir string, opts Options) *DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db2, _ := openTest(t, dir, opts)
	return db2
}

// fakeClock is a settable clock for delivered-id expiry.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// clockedOptions returns the default options reading a fake clock, which
// stands at 2026-11-22 10:00 UTC until the test sets it.
func clockedOptions() (Options, *fakeClock) {
	clock := &fakeClock{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	opts := DefaultOptions()
	opts.Now = clock.now
	return opts, clock
}
