package buffer

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// recoverOpts are small enough that a few thousand entries make several
// tables and value-log files.
func recoverOpts() Options {
	o := DefaultOptions()
	o.MemTableSize = 1 << 20
	o.ValueLogFileSize = 1 << 20
	o.BaseTableSize = 256 << 10
	o.MinFreeBytes = 0
	return o
}

// recoverEntries are put before the clean close, crashEntries after it.
const recoverEntries, crashEntries = 3000, 50

var (
	fixtureOnce sync.Once
	fixtureDir  string
	crashDir    string
	fixtureErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(filepath.Dir(fixtureDir))
	}
	os.Exit(code)
}

// fixture builds, once per test binary, a closed database holding
// recoverEntries queue entries (every third one large enough for the value
// log) in tables, value log and memtable.
func fixture(t *testing.T) string {
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tillwatch-recover-")
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureDir = filepath.Join(dir, "db")
		o := recoverOpts()
		o.SyncWrites = false // only the setup: Close syncs
		db, err := Open(fixtureDir, o, nil)
		if err != nil {
			fixtureErr = err
			return
		}
		q := db.Queue("outbox")
		big := []byte(strings.Repeat("x", 2000))
		for i := range recoverEntries {
			v := []byte(strings.Repeat("v", 300))
			if i%3 == 0 {
				v = big
			}
			if _, err := q.Put(fmt.Sprintf("c%05d", i), ClassCritical, v); err != nil {
				fixtureErr = err
				return
			}
		}
		if fixtureErr = db.Close(); fixtureErr != nil {
			return
		}
		// A copy taken while the database is open has a live memtable
		// (.mem), like a disk after a power cut.
		crashDir = filepath.Join(dir, "crashed")
		if db, fixtureErr = Open(fixtureDir, recoverOpts(), nil); fixtureErr != nil {
			return
		}
		for i := range crashEntries {
			if _, fixtureErr = db.Queue("outbox").Put(fmt.Sprintf("m%05d", i), ClassCritical, []byte("v")); fixtureErr != nil {
				return
			}
		}
		copyTree(fixtureDir, crashDir)
		fixtureErr = db.Close()
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureDir
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := copyTree(from, to); err != nil {
		t.Fatal(err)
	}
}

func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
}

// firstFile returns the first file in dir with the suffix.
func firstFile(t *testing.T, dir, suffix string) string {
	t.Helper()
	ms, _ := filepath.Glob(filepath.Join(dir, "*"+suffix))
	if len(ms) == 0 {
		t.Fatalf("no %s file in %s", suffix, dir)
	}
	return ms[0]
}

func garble(t *testing.T, p string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(b) / 3; i < len(b)/3+200 && i < len(b); i++ {
		b[i] ^= 0x5a
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// orphanTable writes a table file with an id above every listed one: the
// first half of from, or nothing when from is "".
func orphanTable(t *testing.T, dir, from string) {
	t.Helper()
	var b []byte
	if from != "" {
		full, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		b = full[:len(full)/2]
	}
	if err := os.WriteFile(filepath.Join(dir, "099999.sst"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func truncate(t *testing.T, p string) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
}

// TestOpenOrRecover damages a database in the ways an SD card or a power
// cut does and checks the agent's promise: the database opens, says what
// it lost (moved aside, or entries counted as unreadable), and works.
func TestOpenOrRecover(t *testing.T) {
	cases := []struct {
		name      string
		damage    func(t *testing.T, dir string)
		movedAway bool // the whole database is moved aside
	}{
		{"intact", func(*testing.T, string) {}, false},
		{"truncated table", func(t *testing.T, d string) { truncate(t, firstFile(t, d, ".sst")) }, true},
		{"garbled table", func(t *testing.T, d string) { garble(t, firstFile(t, d, ".sst")) }, true},
		{"missing table", func(t *testing.T, d string) { os.Remove(firstFile(t, d, ".sst")) }, true},
		// A flush or compaction cut by kill -9 leaves a table file the
		// MANIFEST does not list yet: Badger deletes it, nothing is lost.
		{"orphan empty table", func(t *testing.T, d string) { orphanTable(t, d, "") }, false},
		{"orphan half-written table", func(t *testing.T, d string) { orphanTable(t, d, firstFile(t, d, ".sst")) }, false},
		{"garbled manifest", func(t *testing.T, d string) { garble(t, filepath.Join(d, "MANIFEST")) }, true},
		{"truncated value log", func(t *testing.T, d string) { truncate(t, firstFile(t, d, ".vlog")) }, false},
		{"garbled value log", func(t *testing.T, d string) { garble(t, firstFile(t, d, ".vlog")) }, false},
		{"garbled memtable", func(t *testing.T, d string) { garble(t, firstFile(t, d, ".mem")) }, false},
		{"truncated memtable", func(t *testing.T, d string) { truncate(t, firstFile(t, d, ".mem")) }, false},
	}
	src := fixture(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "db")
			if strings.Contains(tc.name, "memtable") {
				copyDir(t, crashDir, dir)
			} else {
				copyDir(t, src, dir)
			}
			tc.damage(t, dir)
			db, rec, err := OpenOrRecover(dir, recoverOpts(), testLog(t))
			if err != nil {
				t.Fatalf("OpenOrRecover: %v", err)
			}
			defer db.Close()
			if (rec != nil) != tc.movedAway {
				t.Fatalf("recovery %+v, want moved aside %v", rec, tc.movedAway)
			}
			q := db.Queue("outbox")
			items, err := q.Pending(0)
			if err != nil {
				t.Fatalf("Pending after recovery: %v", err)
			}
			st := checkConsistent(t, q)
			if rec != nil {
				if len(items) != 0 || rec.Files == 0 || rec.Cause == "" {
					t.Fatalf("after moving aside: %d pending, recovery %+v", len(items), rec)
				}
				if _, err := os.Stat(filepath.Join(rec.MovedTo, "MANIFEST")); err != nil {
					t.Fatalf("damaged files not kept: %v", err)
				}
				ms, err := MovedAside(dir)
				if err != nil || len(ms) != 1 || ms[0].Cause != rec.Cause || !ms[0].At.Equal(rec.At.Truncate(1e6)) {
					t.Fatalf("MovedAside = %+v, %v; want the recovery %+v", ms, err, rec)
				}
			} else if lost := recoverEntries + crashEntries - len(items); lost > 0 && uint64(lost) != st.Unreadable && !strings.Contains(tc.name, "memtable") {
				t.Fatalf("%d entries missing, %d counted unreadable", lost, st.Unreadable)
			}
			t.Logf("%d of %d entries readable, stats %+v", len(items), recoverEntries+crashEntries, st)
			// It works: a put survives a reopen.
			if _, err := q.Put("after", ClassCritical, []byte("v")); err != nil {
				t.Fatal(err)
			}
			db = reopen(t, db, dir, recoverOpts())
			items, err = db.Queue("outbox").Pending(0)
			if err != nil || len(items) == 0 || items[len(items)-1].ID != "after" {
				t.Fatalf("after reopen: %d items, %v", len(items), err)
			}
		})
	}
}
