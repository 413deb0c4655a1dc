package buffer

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func pendingIDs(t *testing.T, q *Queue, limit int) []string {
	t.Helper()
	items, err := q.Pending(limit)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
		if i > 0 && it.Seq <= items[i-1].Seq {
			t.Fatalf("Pending not ordered by Seq: %d after %d", it.Seq, items[i-1].Seq)
		}
		if want := "v-" + it.ID; string(it.Value) != want {
			t.Fatalf("item %s value %q, want %q", it.ID, it.Value, want)
		}
	}
	return ids
}

func mustPut(t *testing.T, q *Queue, id string, want bool) {
	t.Helper()
	added, err := q.PutIfAbsent(id, []byte("v-"+id))
	if err != nil {
		t.Fatalf("PutIfAbsent(%s): %v", id, err)
	}
	if added != want {
		t.Fatalf("PutIfAbsent(%s) = %v, want %v", id, added, want)
	}
}

func TestQueueFIFOAcrossReopen(t *testing.T) {
	opts := DefaultOptions()
	db, dir := openTest(t, "", opts)
	q := db.Queue("outbox")
	for _, id := range []string{"c", "a", "b"} {
		mustPut(t, q, id, true)
	}
	before, err := q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}

	db = reopen(t, db, dir, opts)
	q = db.Queue("outbox")
	mustPut(t, q, "a", false) // still pending after reopen
	mustPut(t, q, "d", true)
	got := fmt.Sprint(pendingIDs(t, q, 0))
	if want := "[c a b d]"; got != want {
		t.Fatalf("Pending after reopen = %s, want %s", got, want)
	}
	items, _ := q.Pending(0)
	if items[3].Seq <= before[2].Seq {
		t.Fatalf("Seq after reopen %d not above %d", items[3].Seq, before[2].Seq)
	}
	if got := fmt.Sprint(pendingIDs(t, q, 2)); got != "[c a]" {
		t.Fatalf("Pending(2) = %s", got)
	}
	if err := q.Done("c"); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(pendingIDs(t, q, 0)); got != "[a b d]" {
		t.Fatalf("Pending after Done(c) = %s", got)
	}
	if n, err := q.Len(); err != nil || n != 3 {
		t.Fatalf("Len = %d, %v; want 3", n, err)
	}
}

func TestQueuePutIfAbsent(t *testing.T) {
	opts, clock := clockedOptions()
	opts.DeliveredTTL = time.Hour
	db, dir := openTest(t, "", opts)
	q := db.Queue("outbox")

	steps := []struct {
		name string
		do   func() error
		id   string
		want bool // PutIfAbsent result after do
	}{
		{"new id", nil, "x", true},
		{"pending id", nil, "x", false},
		{"delivered id", func() error { return q.Done("x") }, "x", false},
		{"delivered id after reopen", func() error {
			db = reopen(t, db, dir, opts)
			q = db.Queue("outbox")
			return nil
		}, "x", false},
		{"delivered id near expiry", func() error { clock.t = clock.t.Add(59 * time.Minute); return nil }, "x", false},
		{"delivered id expired", func() error { clock.t = clock.t.Add(2 * time.Minute); return nil }, "x", true},
		{"done of unknown id", func() error { return q.Done("never-put") }, "never-put", false},
	}
	for _, s := range steps {
		if s.do != nil {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}
		added, err := q.PutIfAbsent(s.id, []byte("v-"+s.id))
		if err != nil || added != s.want {
			t.Fatalf("%s: PutIfAbsent = %v, %v; want %v", s.name, added, err, s.want)
		}
	}
	// A refused put leaves the stored value alone.
	if _, err := q.PutIfAbsent("x", []byte("other")); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(pendingIDs(t, q, 0)); got != "[x]" {
		t.Fatalf("Pending = %s, want [x]", got)
	}
}

func TestQueueChanged(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	q := db.Queue("outbox")
	select {
	case <-q.Changed():
		t.Fatal("Changed fired before any put")
	default:
	}
	mustPut(t, q, "a", true)
	mustPut(t, q, "b", true) // coalesced with the first signal
	select {
	case <-q.Changed():
	case <-time.After(10 * time.Second):
		t.Fatal("Changed did not fire after put")
	}
	select {
	case <-q.Changed():
		t.Fatal("signals not coalesced")
	default:
	}
	mustPut(t, q, "a", false)
	select {
	case <-q.Changed():
		t.Fatal("Changed fired for a refused put")
	default:
	}
	if db.Queue("outbox") != q {
		t.Fatal("Queue(name) returned a different queue for the same name")
	}
}

// TestQueueConcurrentWriters races 8 goroutines that each put 200 ids, half
// of them shared with a neighbour, then reopens and checks every id is
// stored exactly once.
func TestQueueConcurrentWriters(t *testing.T) {
	const workers, per = 8, 200
	opts := DefaultOptions()
	db, dir := openTest(t, "", opts)
	q := db.Queue("outbox")

	var mu sync.Mutex
	addedBy := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				// ids 0..99 of worker w are also put by worker w+1.
				owner := w
				if i >= per/2 {
					owner = (w + 1) % workers
				}
				id := fmt.Sprintf("w%d-%d", owner, i%(per/2))
				added, err := q.PutIfAbsent(id, []byte("v-"+id))
				if err != nil {
					errs <- err
					return
				}
				if added {
					mu.Lock()
					addedBy[id]++
					mu.Unlock()
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := workers * per / 2
	if len(addedBy) != want {
		t.Fatalf("%d distinct ids added, want %d", len(addedBy), want)
	}
	for id, n := range addedBy {
		if n != 1 {
			t.Fatalf("id %s added %d times", id, n)
		}
	}

	db = reopen(t, db, dir, opts)
	q = db.Queue("outbox")
	ids := pendingIDs(t, q, 0)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("id %s pending twice", id)
		}
		seen[id] = true
		if addedBy[id] != 1 {
			t.Fatalf("unexpected id %s", id)
		}
	}
	if len(ids) != want {
		t.Fatalf("%d pending after reopen, want %d", len(ids), want)
	}
	if n, err := q.Len(); err != nil || n != want {
		t.Fatalf("Len = %d, %v; want %d", n, err, want)
	}
}

func TestQueueErrors(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	for _, name := range []string{"", "a/b"} {
		q := db.Queue(name)
		if _, err := q.PutIfAbsent("x", nil); err == nil {
			t.Errorf("queue %q: PutIfAbsent accepted an invalid name", name)
		}
		if _, err := q.Pending(0); err == nil {
			t.Errorf("queue %q: Pending accepted an invalid name", name)
		}
		if err := q.Done("x"); err == nil {
			t.Errorf("queue %q: Done accepted an invalid name", name)
		}
		if _, err := q.Len(); err == nil {
			t.Errorf("queue %q: Len accepted an invalid name", name)
		}
	}
	q := db.Queue("ok")
	if _, err := q.PutIfAbsent("", []byte("v")); err == nil {
		t.Error("PutIfAbsent accepted an empty id")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := q.PutIfAbsent("y", nil); err == nil {
		t.Error("PutIfAbsent on a closed DB returned no error")
	}
	if _, err := q.Pending(0); err == nil {
		t.Error("Pending on a closed DB returned no error")
	}
	if err := q.Done("y"); err == nil {
		t.Error("Done on a closed DB returned no error")
	}
}
