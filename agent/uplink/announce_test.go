package uplink

import (
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

// TestAnnounceOnEveryConnect: the Announce messages are published, retained,
// after the online status on every connect, so a broker that lost its
// retained messages (a restart without persistence) gets them back.
func TestAnnounceOnEveryConnect(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0")
	addr := b.Addr()
	cfg := testConfig(b.URL())
	cfg.Announce = []Message{
		{Topic: "homeassistant/binary_sensor/x/online/config", Payload: []byte(`{"name":"Online"}`), Retain: true},
		{Topic: "homeassistant/event/x/alert/config", Payload: []byte(`{"name":"Alert"}`), Retain: true},
	}
	u := startUplink(t, cfg, openQueue(t))
	testutil.WaitFor(t, "connected", waitLong, u.Connected)
	late := subscribe(t, b.URL(), "late", "homeassistant/#")
	got := map[string]bool{}
	for range 2 {
		m := late.next(t)
		if !m.retained {
			t.Errorf("%s not retained", m.topic)
		}
		got[m.topic+" "+m.payload] = true
	}
	if !got[`homeassistant/binary_sensor/x/online/config {"name":"Online"}`] || !got[`homeassistant/event/x/alert/config {"name":"Alert"}`] {
		t.Fatalf("got %v", got)
	}

	// A new broker on the same port has no retained messages: the uplink
	// announces again when it reconnects.
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, "disconnected", waitLong, func() bool { return !u.Connected() })
	b2 := startBroker(t, addr)
	testutil.WaitFor(t, "reconnected", waitLong, u.Connected)
	again := subscribe(t, b2.URL(), "again", "homeassistant/#")
	for range 2 {
		if m := again.next(t); !m.retained || !strings.HasPrefix(m.topic, "homeassistant/") {
			t.Errorf("after reconnect: %+v", m)
		}
	}
}

func TestAnnounceIsValidated(t *testing.T) {
	cfg := testConfig("tcp://127.0.0.1:1")
	cfg.Announce = []Message{{Topic: "a/+/b"}}
	if _, err := cfg.withDefaults(); err == nil || !strings.Contains(err.Error(), "announce[0]") {
		t.Errorf("wildcard announce topic: %v", err)
	}
}
