package buffer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/crashtest"
)

// TestCrashChild is the child half of TestCrashKill9: it writes until it is
// killed and prints one line per acknowledged write. It does nothing in a
// normal test run.
func TestCrashChild(t *testing.T) {
	dir := crashtest.ChildDir(t)
	db, err := Open(dir, DefaultOptions(), nil)
	if err != nil {
		fmt.Fprintln(os.Stdout, "error", err)
		os.Exit(3)
	}
	var acker crashtest.Acker
	ack := acker.Printf
	q, s := db.Queue("outbox"), db.Store("journal")
	deadline := time.Now().Add(crashtest.ChildLife)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				if _, err := q.PutIfAbsent(id, []byte("v-"+id)); err != nil {
					ack("error %v", err)
					return
				}
				ack("q %s", id)
				if i%3 == 0 {
					if err := q.Done(id); err != nil {
						ack("error %v", err)
						return
					}
					ack("d %s", id)
				}
				if err := s.PutBatch([]KV{{Key: []byte(id + "/1"), Value: []byte("v1")}, {Key: []byte(id + "/2"), Value: []byte("v2")}}); err != nil {
					ack("error %v", err)
					return
				}
				ack("s %s", id)
			}
		}(w)
	}
	// A fifth writer commits lazy batches: they must survive the kill too
	// (the page cache holds them; only a power cut may lose them).
	wg.Add(1)
	go func() {
		defer wg.Done()
		raw := db.Store("raw")
		for i := 0; time.Now().Before(deadline); i++ {
			id := fmt.Sprintf("l-%d", i)
			b := db.NewBatch()
			b.Put(raw, []byte(id), []byte("v-"+id))
			if i > 0 {
				b.Delete(raw, []byte(fmt.Sprintf("l-%d", i-1)))
			}
			if err := b.CommitLazy(); err != nil {
				ack("error %v", err)
				return
			}
			ack("l %s", id)
		}
	}()
	wg.Wait()
	os.Exit(4) // only reached when the parent never killed us
}

// TestCrashKill9 runs TestCrashChild in a child process, kills it with
// SIGKILL while four goroutines are writing, reopens the database and checks
// that every write the child acknowledged is there, and that sequence
// numbers keep growing after the crash.
func TestCrashKill9(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	queued, done, stored := map[string]bool{}, map[string]bool{}, map[string]bool{}
	lines, lazy := 0, -1 // lazy: the last lazy batch acknowledged
	crashtest.Run(t, "TestCrashChild", dir, func(line string) bool {
		kind, id, _ := strings.Cut(line, " ")
		switch kind {
		case "q":
			queued[id] = true
		case "d":
			done[id] = true
		case "s":
			stored[id] = true
		case "l":
			if _, err := fmt.Sscanf(id, "l-%d", &lazy); err != nil {
				t.Errorf("child: %s", line)
			}
		default:
			t.Errorf("child: %s", line)
		}
		lines++
		return lines == 600
	})
	t.Logf("child killed after %d acknowledged writes (%d queued, %d done, %d stored)",
		lines, len(queued), len(done), len(stored))

	db, _ := openTest(t, dir, DefaultOptions())
	q, s := db.Queue("outbox"), db.Store("journal")
	items, err := q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	pending := map[string]bool{}
	var maxSeq uint64
	for _, it := range items {
		if pending[it.ID] {
			t.Fatalf("id %s pending twice", it.ID)
		}
		pending[it.ID] = true
		maxSeq = max(maxSeq, it.Seq)
		if string(it.Value) != "v-"+it.ID {
			t.Fatalf("item %s has value %q", it.ID, it.Value)
		}
	}
	for id := range queued {
		switch {
		case done[id] && pending[id]:
			t.Errorf("id %s acknowledged done but still pending", id)
		case !done[id] && !pending[id]:
			// Only allowed if Done committed but was not yet acknowledged.
			if added, err := q.PutIfAbsent(id, []byte("v-"+id)); err != nil || added {
				t.Errorf("acknowledged id %s lost (neither pending nor delivered)", id)
			}
		}
		if done[id] {
			if added, err := q.PutIfAbsent(id, nil); err != nil || added {
				t.Errorf("delivered id %s forgotten after crash (added=%v err=%v)", id, added, err)
			}
		}
	}
	for id := range stored {
		for _, k := range []string{"/1", "/2"} {
			if _, err := s.Get([]byte(id + k)); err != nil {
				t.Errorf("acknowledged key %s%s: %v", id, k, err)
			}
		}
	}
	// Each lazy batch put its key and deleted the one before: exactly the
	// last acknowledged one or the one after it (committed, not yet
	// acknowledged) is left.
	var left []string
	if err := db.Store("raw").Scan(nil, nil, func(k, _ []byte) error { left = append(left, string(k)); return nil }); err != nil {
		t.Fatal(err)
	}
	if lazy < 0 {
		t.Fatal("the child acknowledged no lazy batch")
	}
	if want, next := fmt.Sprintf("l-%d", lazy), fmt.Sprintf("l-%d", lazy+1); len(left) != 1 || left[0] != want && left[0] != next {
		t.Errorf("lazy batches after the kill: %v, want [%s] (or [%s])", left, want, next)
	}
	if _, err := q.PutIfAbsent("after-crash", []byte("v-after-crash")); err != nil {
		t.Fatal(err)
	}
	items, err = q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	if last := items[len(items)-1]; last.ID != "after-crash" || last.Seq <= maxSeq {
		t.Fatalf("first put after crash got seq %d (id %s), want above %d", last.Seq, last.ID, maxSeq)
	}
}
