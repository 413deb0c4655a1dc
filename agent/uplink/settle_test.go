package uplink

import (
	"errors"
	"slices"
	"testing"
	"time"
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

	if ok, err := s.settle("a-000", failed); ok || err != nil {
		t.Errorf("failed token settled: %v, %v", ok, err)
	}
	if out, all := s.deliveredAcks([]ack{{id: "a-001", f: failed}, {id: "a-002", f: failed}}); len(out) > 0 || all {
		t.Errorf("failed tokens delivered as a batch: %v, %v", out, all)
	}
	if ok, err := s.settle("a-003", acked); !ok || err != nil {
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
