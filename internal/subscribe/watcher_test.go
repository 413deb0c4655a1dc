package subscribe

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/tillwatch/tillwatch/internal/mqttbroker"
)

// next waits for the next message, or fails after a deadline.
func next(t *testing.T, w *Watcher) Message {
	t.Helper()
	select {
	case m, ok := <-w.Messages():
		if !ok {
			t.Fatal("messages closed")
		}
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message within 10s")
	}
	return Message{}
}

// TestWatcher: a retained status arrives at subscribe time, a repeated
// alert id arrives once, other sites are filtered out, a bad payload is
// reported, a repeated retained status is not.
func TestWatcher(t *testing.T) {
	b, err := mqttbroker.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	pub := publisher(t, b.URL())
	online := []byte(`{"state":"online","since":"2026-11-22T10:00:00Z","site":"s1","lane":"l1","version":"v1"}`)
	publish(t, pub, "tillwatch/v1/s1/l1/status", true, online)
	publish(t, pub, "tillwatch/v1/s2/l1/status", true, online)

	w, err := Dial(context.Background(), Options{Broker: b.URL(), ClientID: "test-watch", Filter: Filter{Sites: []string{"s1"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	m := next(t, w)
	if m.Status == nil || m.Status.State != "online" || m.Site != "s1" || m.Lane != "l1" || m.Status.Version != "v1" {
		t.Fatalf("first message: %+v", m)
	}
	under := readTestdata(t, "alert_under_charge.json")
	publish(t, pub, "tillwatch/v1/s1/l1/alert/amount_mismatch", false, under)
	publish(t, pub, "tillwatch/v1/s1/l1/alert/amount_mismatch", false, under) // at-least-once repeat
	publish(t, pub, "tillwatch/v1/s1/l1/status", true, online)                // same status again
	publish(t, pub, "tillwatch/v1/s1/l1/alert/print_failed", false, []byte("not json"))
	publish(t, pub, "tillwatch/v1/s1/l1/status", true, []byte(`{"state":"offline","reason":"connection_lost","site":"s1","lane":"l1"}`))

	m = next(t, w)
	if m.Alert == nil || m.Alert.ID != "8c1f0a4e2b7d9c31" || string(m.Payload) != string(under) {
		t.Fatalf("alert: %+v", m)
	}
	m = next(t, w)
	if m.Err == nil || !strings.Contains(m.Err.Error(), "not an alert") {
		t.Fatalf("want the bad payload reported, got %+v", m)
	}
	m = next(t, w)
	if m.Status == nil || m.Status.State != "offline" || m.Status.Reason != "connection_lost" {
		t.Fatalf("want offline, got %+v", m)
	}
	select {
	case m := <-w.Messages():
		t.Errorf("unexpected message %+v", m)
	default:
	}
}

// TestWatcherShared: two members of a $share group get each alert once
// between them. No fixed wait: after the alerts a status goes out as a
// fence. Statuses are not shared, so both members get it, and the broker
// delivers one publisher's messages to a subscriber in order, so a copy of
// an alert to the other member would have arrived before that member's
// fence.
func TestWatcherShared(t *testing.T) {
	b, err := mqttbroker.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var ws []*Watcher
	for _, id := range []string{"m1", "m2"} {
		w, err := Dial(context.Background(), Options{Broker: b.URL(), ClientID: id, Share: "ops"})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		ws = append(ws, w)
	}
	pub := publisher(t, b.URL())
	publish(t, pub, "tillwatch/v1/s1/l1/alert/amount_mismatch", false, readTestdata(t, "alert_under_charge.json"))
	publish(t, pub, "tillwatch/v1/s2/l1/alert/payment_without_receipt", false, readTestdata(t, "alert_no_receipt.json"))
	publish(t, pub, "tillwatch/v1/fence/l1/status", false, []byte(`{"state":"online","site":"fence","lane":"l1"}`))
	got := map[string]int{}
	fenced := [2]bool{}
	deadline := time.After(10 * time.Second) // bounds a hang; passing never waits for it
	for !fenced[0] || !fenced[1] {
		var m Message
		var i int
		select {
		case m = <-ws[0].Messages():
		case m = <-ws[1].Messages():
			i = 1
		case <-deadline:
			t.Fatalf("fences %v, alerts %v", fenced, got)
		}
		switch {
		case m.Status != nil && m.Site == "fence":
			fenced[i] = true
		case m.Alert != nil:
			got[m.Alert.ID]++
		default:
			t.Errorf("unexpected message %+v", m)
		}
	}
	if len(got) != 2 {
		t.Errorf("alerts %v, want two", got)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("%s delivered %d times in the group", id, n)
		}
	}
}

// TestDialFails: a broker that cannot be reached is an error that says
// why (it said "context deadline exceeded"), whether the connect timeout
// or the caller's deadline (watch --timeout) ends the wait.
func TestDialFails(t *testing.T) {
	for _, tc := range []struct {
		name           string
		ctxT, connectT time.Duration
	}{{"connect timeout", 5 * time.Second, time.Second}, {"caller's deadline", time.Second, 5 * time.Second}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tc.ctxT)
			defer cancel()
			_, err := Dial(ctx, Options{Broker: "tcp://127.0.0.1:1", ConnectTimeout: tc.connectT})
			if err == nil || !strings.Contains(err.Error(), "cannot connect to tcp://127.0.0.1:1") || !strings.Contains(err.Error(), "connection refused") {
				t.Errorf("Dial to a closed port: %v", err)
			}
		})
	}
}

// publishOnSubscribe is a broker hook that publishes an alert each time a
// client's subscription is in place, before the broker acknowledges it and
// sends the retained messages: an agent's alert arriving just as a watcher
// subscribes, deterministically.
type publishOnSubscribe struct {
	mochi.HookBase
	srv          *mochi.Server
	topic, alert string
	err          chan error
}

func (h *publishOnSubscribe) Provides(b byte) bool { return b == mochi.OnSubscribed }

func (h *publishOnSubscribe) OnSubscribed(cl *mochi.Client, _ packets.Packet, _ []byte) {
	if cl.Net.Inline {
		return
	}
	if err := h.srv.Publish(h.topic, []byte(h.alert), false, 1); err != nil {
		select {
		case h.err <- err:
		default:
		}
	}
}

// TestWatcherStatusFirst: a lane's retained status reaches a new watcher
// before an alert published while it subscribes, so a table (watch
// --once 1) shows the lane's state before its first alert. Subscribed to
// both in one request, the alert could come first: the broker subscribes
// every filter of a request before it sends the retained messages.
func TestWatcherStatusFirst(t *testing.T) {
	srv := mochi.New(&mochi.Options{InlineClient: true, Logger: slog.New(slog.DiscardHandler)})
	if err := srv.AddHook(new(auth.AllowHook), nil); err != nil {
		t.Fatal(err)
	}
	h := &publishOnSubscribe{srv: srv, topic: "tillwatch/v1/s1/l1/alert/amount_mismatch",
		alert: `{"id":"aaaa000000000001","kind":"amount_mismatch","state":"raised","site":"s1","lane":"l1"}`, err: make(chan error, 1)}
	if err := srv.AddHook(h, nil); err != nil {
		t.Fatal(err)
	}
	tcp := listeners.NewTCP(listeners.Config{ID: "tcp", Address: "127.0.0.1:0"})
	if err := srv.AddListener(tcp); err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.Publish("tillwatch/v1/s1/l1/status", []byte(`{"state":"online","since":"2026-11-22T10:00:00Z"}`), true, 1); err != nil {
		t.Fatal(err)
	}
	w, err := Dial(context.Background(), Options{Broker: "tcp://" + tcp.Address(), ClientID: "watch-status-first"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if m := next(t, w); m.Status == nil {
		t.Errorf("first message %s (alert %v), want the lane's retained status", m.Topic, m.Alert != nil)
	}
	if m := next(t, w); m.Alert == nil || m.Alert.ID != "aaaa000000000001" {
		t.Errorf("second message %s, want the alert", m.Topic)
	}
	select {
	case err := <-h.err:
		t.Fatal(err)
	default:
	}
}
