package uplink

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// unswept is q.Unswept or the test's end.
func unswept(t *testing.T, q *buffer.Queue) uint64 {
	t.Helper()
	n, err := q.Unswept()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNeverIdleDrainSweeps: a drain that is never idle (acks keep coming,
// the settler is never told to sweep) still sweeps the settled entries'
// keys as it settles, so they stay below sweepBusy plus one window
// instead of piling up; the swept ids stay remembered. Badger on disk
// (unsynced: 20,000 puts).
func TestNeverIdleDrainSweeps(t *testing.T) {
	opts := buffer.DefaultOptions()
	opts.SyncWrites = false
	db, err := buffer.Open(t.TempDir(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	q := db.Queue("outbox")
	const total, window = 20000, 100
	for i := range total {
		enqueue(t, q, i)
	}
	items, err := q.Pending(0)
	if err != nil || len(items) != total {
		t.Fatalf("pending: %d, %v", len(items), err)
	}
	u := New(testConfig("tcp://127.0.0.1:1"), q, testLog(t))
	s := &session{u: u, cfg: u.cfg}
	st := s.startSettler()
	defer st.close()
	settled := 0
	for from := 0; from < total; from += window {
		var acks []ack
		for _, it := range items[from : from+window] {
			acks = append(acks, ack{id: it.ID, f: flight{tok: newDoneToken(), seq: it.Seq}})
		}
		st.add(acks)
		for settled < from+window {
			select {
			case <-st.ready:
			case <-time.After(waitLong):
				t.Fatalf("window at %d not settled", from)
			}
			for _, r := range st.results() {
				if r.err != nil {
					t.Fatal(r.err)
				}
				settled += len(r.ids)
			}
		}
	}
	if n := unswept(t, q); n > sweepBusy+window {
		t.Fatalf("%d settled entries unswept after %d without an idle moment, want at most %d", n, total, sweepBusy+window)
	}
	if ok, err := q.PutIfAbsent(items[0].ID, []byte("again")); ok || err != nil {
		t.Fatalf("a swept id was stored again: %v, %v", ok, err)
	}
	if n, err := q.Len(); n != 0 || err != nil {
		t.Fatalf("%d pending after settling all, %v", n, err)
	}
}

// TestQuietLaneSweepsByAge: fewer than minSweep settled entries are swept
// once the oldest has waited sweepAge, on the connection that settled
// them and, after a restart, on the next one (which settles nothing).
func TestQuietLaneSweepsByAge(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	q := openQueue(t)
	run := func(age time.Duration) (*Uplink, func()) {
		ctx, cancel := context.WithCancel(context.Background())
		u := New(testConfig(b.URL()), q, testLog(t))
		u.sweepAge = age
		done := make(chan error, 1)
		go func() { done <- u.Run(ctx) }()
		return u, func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	}

	// A run whose age never comes: three settled, left unswept.
	u, stop := run(time.Hour)
	for i := range 3 {
		enqueue(t, q, i)
	}
	testutil.WaitFor(t, "3 acked", waitLong, func() bool { return u.Stats().Acked >= 3 })
	stop()
	if n := unswept(t, q); n == 0 {
		t.Fatal("the 3 were swept: below minSweep and younger than sweepAge, they should wait")
	}

	// The next run sweeps them by age, and what it settles itself.
	u, stop = run(200 * time.Millisecond)
	defer stop()
	testutil.WaitFor(t, "the earlier run's 3 swept", waitLong, func() bool { return unswept(t, q) == 0 })
	enqueue(t, q, 3)
	testutil.WaitFor(t, "one more acked and swept", waitLong, func() bool { return u.Stats().Acked >= 1 && unswept(t, q) == 0 })
	if ok, err := q.PutIfAbsent("a-001", []byte("again")); ok || err != nil {
		t.Fatalf("a swept id was stored again: %v, %v", ok, err)
	}
}

// failingSweep is a queue whose Sweep fails, counting its calls.
type failingSweep struct {
	*buffer.Queue
	sweeps atomic.Int32
}

func (f *failingSweep) Sweep(int) (int, error) {
	f.sweeps.Add(1)
	return 0, errors.New("sweep: disk says no")
}

// TestBusySweepErrorBacksOff: a drain that is never idle and whose sweep
// fails does not try (and warn) again after every settling write: the
// next try waits for sweepBusy more settled entries (or the age timer).
func TestBusySweepErrorBacksOff(t *testing.T) {
	opts := buffer.DefaultOptions()
	opts.SyncWrites = false
	db, err := buffer.Open(t.TempDir(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	q := &failingSweep{Queue: db.Queue("outbox")}
	const window = 100
	total := sweepBusy + 20*window
	for i := range total {
		enqueue(t, q.Queue, i)
	}
	items, err := q.Pending(0)
	if err != nil || len(items) != total {
		t.Fatalf("pending: %d, %v", len(items), err)
	}
	u := New(testConfig("tcp://127.0.0.1:1"), q, testLog(t))
	s := &session{u: u, cfg: u.cfg}
	st := s.startSettler()
	defer st.close()
	settled := 0
	for from := 0; from < total; from += window {
		var acks []ack
		for _, it := range items[from : from+window] {
			acks = append(acks, ack{id: it.ID, f: flight{tok: newDoneToken(), seq: it.Seq}})
		}
		st.add(acks)
		for settled < from+window {
			select {
			case <-st.ready:
			case <-time.After(waitLong):
				t.Fatalf("window at %d not settled", from)
			}
			for _, r := range st.results() {
				if r.err != nil {
					t.Fatal(r.err)
				}
				settled += len(r.ids)
			}
		}
	}
	if n := q.sweeps.Load(); n != 1 {
		t.Fatalf("%d sweeps tried over %d settling writes past sweepBusy with the sweep failing, want 1", n, total/window-sweepBusy/window)
	}
}
