package uplink

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

// TestDeliverInOrder: 50 queued messages arrive once each, in order, and
// the outbox ends empty.
func TestDeliverInOrder(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	q := openQueue(t)
	sub := subscribe(t, b.URL(), "sub", "tillwatch/v1/+/+/alert/#")
	const n = 50
	var want []string
	for i := range n {
		want = append(want, enqueue(t, q, i))
	}
	u := startUplink(t, testConfig(b.URL()), q)
	for i, id := range want {
		m := sub.next(t)
		if m.topic != alertTopic || m.retained {
			t.Fatalf("message %d: topic %q retained %v", i, m.topic, m.retained)
		}
		if wantP := fmt.Sprintf(`{"id":%q}`, id); m.payload != wantP {
			t.Fatalf("message %d: got %s, want %s", i, m.payload, wantP)
		}
	}
	testutil.WaitFor(t, "outbox empty", waitLong, func() bool { return queueLen(t, q) == 0 })
	testutil.WaitFor(t, "all acked", waitLong, func() bool { return u.Stats().Acked == n })
	if st := u.Stats(); st.Published != n || st.Connects != 1 || st.Reconnects != 0 || st.Epoch != 1 {
		t.Fatalf("stats %+v, want %d published, 1 connect, epoch 1", st, n)
	}
	// Entries queued while running are drained too (Changed wake-up).
	id := enqueue(t, q, n)
	if m := sub.next(t); m.payload != fmt.Sprintf(`{"id":%q}`, id) {
		t.Fatalf("late message: got %s", m.payload)
	}
	testutil.WaitFor(t, "outbox empty again", waitLong, func() bool { return queueLen(t, q) == 0 })
	select {
	case m := <-sub.ch:
		t.Fatalf("unexpected extra message %+v", m)
	default:
	}
}

// status decodes a status payload.
func statusOf(t *testing.T, m received) map[string]any {
	t.Helper()
	if m.topic != statusTopic {
		t.Fatalf("topic %q, want %q", m.topic, statusTopic)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(m.payload), &s); err != nil {
		t.Fatalf("status %q: %v", m.payload, err)
	}
	return s
}

// wantStatus checks state, reason and the extra fields.
func wantStatus(t *testing.T, m received, state, reason string) {
	t.Helper()
	s := statusOf(t, m)
	if s["state"] != state || (reason != "" && s["reason"] != reason) {
		t.Fatalf("status %s, want state %q reason %q", m.payload, state, reason)
	}
	if s["site"] != "s1" || s["lane"] != "l1" || s["version"] != "test" {
		t.Fatalf("status %s lacks the extra fields", m.payload)
	}
}

// TestStatusWillAndCleanStop: retained online on connect, the broker's
// last will when the connection dies abruptly, online again after the
// reconnect, retained offline on clean stop.
func TestStatusWillAndCleanStop(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	p := newProxy(t, b.Addr())
	q := openQueue(t)
	u := startUplink(t, testConfig(p.URL()), q)
	testutil.WaitFor(t, "connected", waitLong, u.Connected)

	// A subscriber arriving later gets the retained online status.
	late := subscribe(t, b.URL(), "late", statusTopic)
	m := late.next(t)
	if !m.retained {
		t.Fatalf("online status not retained: %+v", m)
	}
	wantStatus(t, m, StateOnline, "")
	if statusOf(t, m)["since"] == nil {
		t.Fatalf("online status lacks since: %s", m.payload)
	}

	// Kill the TCP connection: no DISCONNECT, so the broker sends the will.
	p.setOpen(false)
	p.cut()
	wantStatus(t, late.next(t), StateOffline, ReasonConnectionLost)
	testutil.WaitFor(t, "disconnected", waitLong, func() bool { return !u.Connected() })

	p.setOpen(true)
	wantStatus(t, late.next(t), StateOnline, "")
	testutil.WaitFor(t, "reconnected", waitLong, u.Connected)

	u.stop(t)
	wantStatus(t, late.next(t), StateOffline, ReasonStopped)
	if u.Connected() {
		t.Fatal("Connected() after stop")
	}
	st := u.Stats()
	if st.Connects != 2 || st.Reconnects != 1 || st.Epoch != 4 {
		t.Fatalf("stats %+v, want 2 connects, 1 reconnect, epoch 4", st)
	}
	// The offline status is retained for newcomers.
	again := subscribe(t, b.URL(), "again", statusTopic)
	if m := again.next(t); !m.retained {
		t.Fatalf("offline status not retained: %+v", m)
	} else {
		wantStatus(t, m, StateOffline, ReasonStopped)
	}
}
