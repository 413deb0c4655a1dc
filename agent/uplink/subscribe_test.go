package uplink

import (
	"context"
	"strings"
	"testing"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

const cmdFilter = "tillwatch/v1/s1/l1/cmd/+"

// echo replies to every message on topic/reply with the payload upper-cased.
func echo(_ context.Context, topic string, payload []byte) []Message {
	return []Message{{Topic: topic + "/reply", Payload: []byte(strings.ToUpper(string(payload)))}}
}

// publish sends one QoS 1 message from a fresh client.
func publish(t testing.TB, url, topic, payload string) {
	t.Helper()
	c := paho.NewClient(paho.NewClientOptions().AddBroker(url).SetClientID("operator").SetAutoReconnect(false))
	if tok := c.Connect(); !tok.WaitTimeout(waitLong) || tok.Error() != nil {
		t.Fatalf("operator connect: %v", tok.Error())
	}
	defer c.Disconnect(50)
	if tok := c.Publish(topic, 1, false, payload); !tok.WaitTimeout(waitLong) || tok.Error() != nil {
		t.Fatalf("operator publish: %v", tok.Error())
	}
}

// TestSubscribe: a subscription is made on connect, its handler's replies
// are published (QoS 1, not retained), and it is made again after a
// reconnect (clean sessions forget it).
func TestSubscribe(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	p := newProxy(t, b.Addr())
	cfg := testConfig(p.URL())
	cfg.Subscribe = []Subscription{{Filter: cmdFilter, QoS: 1, Handle: echo}}
	replies := subscribe(t, b.URL(), "sub", "tillwatch/v1/s1/l1/cmd/+/reply")
	u := startUplink(t, cfg, openQueue(t))
	for round := range 2 {
		testutil.WaitFor(t, "connected", waitLong, u.Connected)
		publish(t, b.URL(), "tillwatch/v1/s1/l1/cmd/ping", "hello")
		m := replies.next(t)
		if m.topic != "tillwatch/v1/s1/l1/cmd/ping/reply" || m.payload != "HELLO" || m.retained {
			t.Fatalf("round %d: reply %+v", round, m)
		}
		// The subscriber can see the reply before the uplink sees its
		// PUBACK; cut the line only once the reply counts as delivered.
		testutil.WaitFor(t, "reply acked", waitLong, func() bool { return u.Stats().Replies >= uint64(round+1) })
		if round == 0 {
			connects := u.Stats().Connects
			p.cut()
			testutil.WaitFor(t, "reconnected", waitLong, func() bool { return u.Stats().Connects > connects && u.Connected() })
		}
	}
	testutil.WaitFor(t, "replies counted", waitLong, func() bool { st := u.Stats(); return st.Received >= 2 && st.Replies >= 2 })
}

// TestSubscribeInboxBounded: a handler that is behind makes the uplink
// drop what does not fit in the inbox instead of queueing without bound.
func TestSubscribeInboxBounded(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	release := make(chan struct{})
	cfg := testConfig(b.URL())
	cfg.Subscribe = []Subscription{{Filter: cmdFilter, QoS: 1, Handle: func(ctx context.Context, _ string, _ []byte) []Message {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}}}
	u := startUplink(t, cfg, openQueue(t))
	testutil.WaitFor(t, "connected", waitLong, u.Connected)
	c := paho.NewClient(paho.NewClientOptions().AddBroker(b.URL()).SetClientID("flood").SetAutoReconnect(false))
	if tok := c.Connect(); !tok.WaitTimeout(waitLong) || tok.Error() != nil {
		t.Fatalf("connect: %v", tok.Error())
	}
	defer c.Disconnect(50)
	const n = 3 * inboxSize
	for range n {
		c.Publish("tillwatch/v1/s1/l1/cmd/x", 1, false, "x")
	}
	testutil.WaitFor(t, "all received or dropped", waitLong, func() bool {
		st := u.Stats()
		return st.Received+st.ReceivedDropped >= n
	})
	st := u.Stats()
	if st.ReceivedDropped == 0 || st.Received > inboxSize+1 {
		t.Errorf("stats %+v: want at most %d queued (+1 being handled) and the rest dropped", st, inboxSize)
	}
	close(release)
}

func TestSubscribeConfig(t *testing.T) {
	for _, sub := range []Subscription{
		{Filter: "", Handle: echo},
		{Filter: cmdFilter, QoS: 2, Handle: echo},
		{Filter: cmdFilter},
	} {
		cfg := testConfig("tcp://127.0.0.1:1883")
		cfg.Subscribe = []Subscription{sub}
		if _, err := cfg.withDefaults(); err == nil {
			t.Errorf("subscription %+v accepted", sub)
		}
	}
}
