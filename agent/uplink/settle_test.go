package uplink

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

// failedToken is a paho token that completed with an error (a publication
// the client or the broker refused) while the connection stayed up.
type failedToken struct{ doneToken }

func (failedToken) Error() error { return errors.New("publish refused") }

// TestFailedPublishDoesNotSettle: on a live connection, in the epoch it
// was published in, a publication whose token failed is not delivered:
// its entry stays in the outbox to be published again and is not counted
// acked, one by one and in a batch. A token without error settles in the
// same setting, so the test tells the two apart.
func TestFailedPublishDoesNotSettle(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	q := openQueue(t)
	u := New(testConfig(b.URL()), q, testLog(t))
	cfg, err := u.cfg.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	u.cfg = cfg
	s := newSession(u)
	if tok := s.c.Connect(); !tok.WaitTimeout(waitLong) || tok.Error() != nil {
		t.Fatalf("connect: %v", tok.Error())
	}
	defer s.c.Disconnect(0)
	if !s.up() {
		t.Fatal("up() false on a fresh connection")
	}
	for i := range 4 {
		enqueue(t, q, i)
	}
	ep := u.epoch.Load()
	failed := flight{tok: failedToken{newDoneToken()}, epoch: ep, at: time.Now()}
	acked := flight{tok: newDoneToken(), epoch: ep, at: time.Now()}

	if ok, err := settleOne(s, "a-000", failed); ok || err != nil {
		t.Errorf("failed token settled: %v, %v", ok, err)
	}
	if out, all := s.deliveredAcks([]ack{{id: "a-001", f: failed}, {id: "a-002", f: failed}}); len(out) > 0 || all {
		t.Errorf("failed tokens delivered as a batch: %v, %v", out, all)
	}
	if ok, err := settleOne(s, "a-003", acked); !ok || err != nil {
		t.Errorf("acked token not settled: %v, %v", ok, err)
	}
	items, err := q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, it := range items {
		left = append(left, it.ID)
	}
	if want := []string{"a-000", "a-001", "a-002"}; !slices.Equal(left, want) {
		t.Errorf("outbox holds %v, want %v (the failed ones)", left, want)
	}
	if st := u.Stats(); st.Acked != 1 {
		t.Errorf("Acked %d, want 1", st.Acked)
	}
}

// TestSettlerWatermark: acks that overtook an older entry still in flight
// are held, not settled, until that entry is acked; the run then settles
// at once. What is still held when the connection ends is deleted by id.
func TestSettlerWatermark(t *testing.T) {
	q := openQueue(t)
	u := New(testConfig("tcp://127.0.0.1:1"), q, testLog(t))
	s := &session{u: u, cfg: u.cfg}
	for i := range 6 {
		enqueue(t, q, i)
	}
	items, err := q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	ackOf := func(i int) ack {
		return ack{id: items[i].ID, f: flight{tok: newDoneToken(), seq: items[i].Seq}}
	}
	pending := func() []string {
		t.Helper()
		left, err := q.Pending(0)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, it := range left {
			ids = append(ids, it.ID)
		}
		return ids
	}
	st := s.startSettler()
	settledIDs := func() []string {
		t.Helper()
		select {
		case <-st.ready:
		case <-time.After(waitLong):
			t.Fatal("nothing settled")
		}
		var ids []string
		for _, r := range st.results() {
			if r.err != nil {
				t.Fatal(r.err)
			}
			ids = append(ids, r.ids...)
		}
		return ids
	}
	st.add([]ack{ackOf(1), ackOf(2)}) // a-000 still in flight
	st.add([]ack{ackOf(0)})
	got := settledIDs()
	for len(got) < 3 {
		got = append(got, settledIDs()...)
	}
	if want := []string{"a-000", "a-001", "a-002"}; !slices.Equal(got, want) {
		t.Fatalf("settled %v, want %v", got, want)
	}
	if want := []string{"a-003", "a-004", "a-005"}; !slices.Equal(pending(), want) {
		t.Fatalf("pending %v, want %v", pending(), want)
	}
	st.add([]ack{ackOf(4)}) // held behind a-003
	st.close()
	if want := []string{"a-003", "a-005"}; !slices.Equal(pending(), want) {
		t.Fatalf("pending after close %v, want %v", pending(), want)
	}
	if n := u.Stats().Acked; n != 4 {
		t.Fatalf("Acked %d, want 4", n)
	}
}

// TestIdleDrainSweeps: a drain that delivered a backlog sweeps the
// settled entries once it is idle (their ids stay remembered), and one
// alert delivered afterwards waits for the next sweep.
func TestIdleDrainSweeps(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	q := openQueue(t)
	for i := range 600 {
		enqueue(t, q, i)
	}
	r := startUplink(t, testConfig(b.URL()), q)
	unswept := func() uint64 {
		n, err := q.Unswept()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	testutil.WaitFor(t, "600 acked and swept", waitLong, func() bool { return r.Stats().Acked >= 600 && unswept() == 0 })
	if ok, err := q.PutIfAbsent("a-007", []byte("again")); ok || err != nil {
		t.Fatalf("a swept id was stored again: %v, %v", ok, err)
	}
	enqueue(t, q, 600)
	testutil.WaitFor(t, "one more acked", waitLong, func() bool { return r.Stats().Acked >= 601 })
	if n := queueLen(t, q); n != 0 {
		t.Fatalf("%d pending after delivery", n)
	}
	if n := unswept(); n != 1 {
		t.Fatalf("unswept %d after one more alert, want 1 (below minSweep)", n)
	}
}
