package uplink

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

// TestNoDeleteWithoutPuback: while the broker's replies are dropped, the
// messages reach subscribers but no PUBACK reaches the uplink, so nothing
// leaves the outbox; after the connection dies they are published again on
// the next one and only then deleted.
func TestNoDeleteWithoutPuback(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	p := newProxy(t, b.Addr())
	q := openQueue(t)
	sub := subscribe(t, b.URL(), "sub", "tillwatch/v1/+/+/alert/#")
	u := startUplink(t, testConfig(p.URL()), q)
	testutil.WaitFor(t, "connected", waitLong, u.Connected)

	p.mute()
	const n = 5
	for i := range n {
		enqueue(t, q, i)
	}
	for range n {
		sub.next(t) // the broker routed it; its PUBACK is being dropped
	}
	// The broker has routed all of them, so without the mute their
	// PUBACKs would have arrived by now.
	if got := queueLen(t, q); got != n {
		t.Fatalf("outbox holds %d, want %d: entries deleted without PUBACK", got, n)
	}
	if st := u.Stats(); st.Acked != 0 || st.Published != n {
		t.Fatalf("stats %+v, want %d published, 0 acked", st, n)
	}

	p.cut() // the next connection is not muted
	for range n {
		sub.next(t) // the second delivery of each
	}
	testutil.WaitFor(t, "outbox drained", waitLong, func() bool { return queueLen(t, q) == 0 })
	// Acked is counted just after the outbox write that settles.
	testutil.WaitFor(t, "acks counted", waitLong, func() bool { return u.Stats().Acked == n })
	if st := u.Stats(); st.Acked != n || st.Published != 2*n || st.Reconnects != 1 {
		t.Fatalf("stats %+v, want %d published, %d acked, 1 reconnect", st, 2*n, n)
	}
}

// TestReconnectWhenPubackOverdue: a PUBACK that never comes on a live
// connection ends that connection; the entries go out again on the next.
func TestReconnectWhenPubackOverdue(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	p := newProxy(t, b.Addr())
	q := openQueue(t)
	status := subscribe(t, b.URL(), "status", statusTopic)
	cfg := testConfig(p.URL())
	ctx, cancel := context.WithCancel(context.Background())
	u := New(cfg, q, testLog(t))
	u.ackTimeout = 200 * time.Millisecond
	done := make(chan error, 1)
	go func() { done <- u.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	testutil.WaitFor(t, "connected", waitLong, u.Connected)
	p.mute()
	for i := range 3 {
		enqueue(t, q, i)
	}
	testutil.WaitFor(t, "outbox drained", waitLong, func() bool { return queueLen(t, q) == 0 })
	// online, then offline "reconnecting" (the uplink's own, sent before
	// dropping the connection) and possibly the will as well, then online.
	// QoS 1 is at-least-once: the broker may deliver a status twice.
	first := status.next(t)
	wantStatus(t, first, StateOnline, "")
	m := status.next(t)
	for m.payload == first.payload {
		m = status.next(t)
	}
	wantStatus(t, m, StateOffline, ReasonReconnecting)
	for m := status.next(t); ; m = status.next(t) {
		if s := statusOf(t, m); s["state"] == StateOnline {
			break
		} else if s["reason"] != ReasonConnectionLost && s["reason"] != ReasonReconnecting {
			t.Fatalf("unexpected status %s", m.payload)
		}
	}
	testutil.WaitFor(t, "acks counted", waitLong, func() bool { return u.Stats().Acked == 3 })
	st := u.Stats()
	if st.Reconnects != 1 || st.Published != 6 || st.Acked != 3 || !strings.Contains(st.LastError, "no PUBACK for a-00") {
		t.Fatalf("stats %+v: want 1 reconnect after a missing PUBACK, 6 published, 3 acked", st)
	}
}

// doneToken is a paho token that completed without error: what paho hands
// back for a message lost in a reconnect.
type doneToken struct{ ch chan struct{} }

func newDoneToken() doneToken {
	ch := make(chan struct{})
	close(ch)
	return doneToken{ch}
}

func (d doneToken) Wait() bool                     { return true }
func (d doneToken) WaitTimeout(time.Duration) bool { return true }
func (d doneToken) Done() <-chan struct{}          { return d.ch }
func (d doneToken) Error() error                   { return nil }

// TestSettleEpochRule checks the deletion rule on a real connection: a
// completed token without error deletes only with the current epoch and a
// live connection.
func TestSettleEpochRule(t *testing.T) {
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
	if !s.up() {
		t.Fatal("up() false on a fresh connection")
	}
	for i := range 3 {
		enqueue(t, q, i)
	}
	ep := u.epoch.Load()
	for _, tc := range []struct {
		id      string
		epoch   uint64
		end     bool // end the connection first
		deleted bool
	}{
		{"a-000", ep - 1, false, false}, // published on an older connection
		{"a-001", ep, false, true},
		{"a-002", ep, true, false}, // connection gone before the ack was seen
	} {
		t.Run(tc.id, func(t *testing.T) {
			if tc.end {
				s.c.Disconnect(0)
				s.end()
				tc.epoch = ep // recorded before the end, as drain does
			}
			ok, err := settleOne(s, tc.id, flight{tok: newDoneToken(), epoch: tc.epoch})
			if err != nil {
				t.Fatal(err)
			}
			items, err := q.Pending(0)
			if err != nil {
				t.Fatal(err)
			}
			present := false
			for _, it := range items {
				present = present || it.ID == tc.id
			}
			if ok != tc.deleted || present == tc.deleted {
				t.Fatalf("settle = %v, still pending = %v; want deleted = %v", ok, present, tc.deleted)
			}
		})
	}
	if u.Connected() {
		t.Fatal("Connected() after end")
	}
}

// TestDeadLetter: an undecodable entry is published to the dead-letter
// topic and removed; the entries around it are delivered in order.
func TestDeadLetter(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	q := openQueue(t)
	sub := subscribe(t, b.URL(), "sub", "tillwatch/v1/s1/l1/#")
	enqueue(t, q, 0)
	if _, err := q.PutIfAbsent("bad-1", []byte{9, 9, 9, 9}); err != nil {
		t.Fatal(err)
	}
	enqueue(t, q, 2)
	u := startUplink(t, testConfig(b.URL()), q)

	var got []string
	for len(got) < 3 {
		m := sub.next(t)
		if m.topic == statusTopic {
			continue
		}
		got = append(got, m.topic+" "+m.payload)
	}
	want := []string{
		alertTopic + ` {"id":"a-000"}`,
		deadTopic + ` {"id":"bad-1","seq":`,
		alertTopic + ` {"id":"a-002"}`,
	}
	for i := range want {
		if len(got[i]) < len(want[i]) || got[i][:len(want[i])] != want[i] {
			t.Fatalf("message %d = %s, want prefix %s", i, got[i], want[i])
		}
	}
	if !strings.Contains(got[1], `"value":"CQkJCQ=="`) || !strings.Contains(got[1], `"error":"uplink: bad outbox message: version 9`) {
		t.Fatalf("dead letter %s lacks value or error", got[1])
	}
	testutil.WaitFor(t, "outbox drained", waitLong, func() bool { return queueLen(t, q) == 0 })
	testutil.WaitFor(t, "counted", waitLong, func() bool { return u.Stats().DeadLettered == 1 && u.Stats().Acked == 2 })
}

// TestRunStopsWhileBrokerDown: cancel during backoff returns promptly.
func TestRunStopsWhileBrokerDown(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	addr := b.Addr()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig("tcp://" + addr)
	cfg.BackoffMin, cfg.BackoffMax = time.Hour, time.Hour
	u := New(cfg, openQueue(t), testLog(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- u.Run(ctx) }()
	testutil.WaitFor(t, "a failed attempt", waitLong, func() bool { return u.Stats().LastError != "" })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(waitLong):
		t.Fatal("Run did not return")
	}
}

// settleOne settles one acked flight as stop does: deleted when its
// PUBACK counts (delivered); ok reports deletion.
func settleOne(s *session, id string, f flight) (ok bool, err error) {
	acks, _ := s.deliveredAcks([]ack{{id: id, f: f}})
	if len(acks) == 0 {
		return false, nil
	}
	_, err = s.deleteDelivered(acks)
	return err == nil, err
}
