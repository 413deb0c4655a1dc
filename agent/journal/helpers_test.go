package journal

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
)

// openDB opens a buffer DB in dir (a fresh temp dir when "") and closes it
// at the end of the test unless the test closed it first.
func openDB(t testing.TB, dir string) (*buffer.DB, string) {
	t.Helper()
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "db")
	}
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, dir
}

// loadEvents reads testdata/events.jsonl.
func loadEvents(t testing.TB) []drivers.Event {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var evs []drivers.Event
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		ev, err := drivers.Unmarshal(sc.Bytes())
		if err != nil {
			t.Fatalf("events.jsonl line %d: %v", len(evs)+1, err)
		}
		evs = append(evs, ev)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return evs
}

// collect returns "id type" lines of a Range.
func collect(t testing.TB, j *Journal, from, to string) []string {
	t.Helper()
	var out []string
	err := j.Range(ts(t, from), ts(t, to), func(id string, ev drivers.Event) error {
		out = append(out, id+" "+ev.EventType())
		return nil
	})
	if err != nil {
		t.Fatalf("Range(%s, %s): %v", from, to, err)
	}
	return out
}
