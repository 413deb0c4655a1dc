package uplink

import (
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	c, err := Config{Broker: "tcp://127.0.0.1:1883", StatusTopic: "tillwatch/v1/s/l/status"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.KeepAlive != DefaultKeepAlive || c.ConnectTimeout != DefaultConnectTimeout ||
		c.BackoffMin != DefaultBackoffMin || c.BackoffMax != DefaultBackoffMax || c.Inflight != DefaultInflight {
		t.Fatalf("defaults not applied: %+v", c)
	}
	if c.DeadLetterTopic != "tillwatch/v1/deadletter" {
		t.Fatalf("dead-letter topic %q", c.DeadLetterTopic)
	}
}

func TestConfigErrors(t *testing.T) {
	const secret = "s3cr3t-pw"
	for _, tc := range []struct {
		name string
		c    Config
		want string
	}{
		{"no broker", Config{}, "empty 'broker'"},
		{"scheme", Config{Broker: "http://h:1"}, `unknown scheme "http"`},
		{"no host", Config{Broker: "tcp://"}, "no host"},
		{"not a url", Config{Broker: "tcp://u:" + secret + "@h:port"}, "not a URL"},
		{"creds in url", Config{Broker: "tcp://u:" + secret + "@h:1883"}, "not in the URL"},
		{"keepalive", Config{Broker: "tcp://h:1", KeepAlive: time.Millisecond}, "'keep_alive'"},
		{"backoff", Config{Broker: "tcp://h:1", BackoffMin: time.Minute, BackoffMax: time.Second}, "out of order"},
		{"inflight", Config{Broker: "tcp://h:1", Inflight: -1}, "'inflight' -1"},
		{"inflight big", Config{Broker: "tcp://h:1", Inflight: 5000}, "'inflight' 5000"},
		{"status topic", Config{Broker: "tcp://h:1", StatusTopic: "a/#"}, "'status_topic'"},
		{"status extra", Config{Broker: "tcp://h:1", StatusExtra: map[string]any{"f": func() {}}}, "'status_extra'"},
		{"dead topic", Config{Broker: "tcp://h:1", DeadLetterTopic: "+"}, "'dead_letter_topic'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.Password = secret
			_, err := tc.c.withDefaults()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "uplink: ") || strings.Contains(err.Error(), secret) {
				t.Fatalf("error %q: want the package prefix and no password", err)
			}
			// Run reports the same error without touching the network.
			if rerr := New(tc.c, nil, nil).Run(t.Context()); rerr == nil || rerr.Error() != err.Error() {
				t.Fatalf("Run error %v, want %v", rerr, err)
			}
		})
	}
}

func TestStatusPayload(t *testing.T) {
	extra := map[string]any{"site": "s1", "state": "hijack", "reason": "x", "since": "y"}
	p, err := statusPayload(extra, StateOffline, ReasonStopped, time.Date(2026, 11, 22, 10, 15, 3, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"reason":"stopped","since":"2026-11-22T10:15:03Z","site":"s1","state":"offline"}`
	if string(p) != want {
		t.Fatalf("payload %s, want %s", p, want)
	}
	if extra["state"] != "hijack" {
		t.Fatal("statusPayload modified StatusExtra")
	}
	p, err = statusPayload(nil, StateOffline, ReasonConnectionLost, time.Time{})
	if err != nil || string(p) != `{"reason":"connection_lost","state":"offline"}` {
		t.Fatalf("will payload %s, %v", p, err)
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    func(n int64) int64
		want []time.Duration
	}{
		{"lowest jitter", func(int64) int64 { return 0 }, []time.Duration{50, 100, 200, 400, 500, 500}},
		{"highest jitter", func(n int64) int64 { return n - 1 }, []time.Duration{100, 200, 400, 800, 1000, 1000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBackoff(100, 1000)
			b.rand = tc.r
			for i, w := range tc.want {
				if got := b.next(); got != w {
					t.Fatalf("delay %d = %v, want %v", i, got, w)
				}
			}
			b.reset()
			if got := b.next(); got != tc.want[0] {
				t.Fatalf("after reset %v, want %v", got, tc.want[0])
			}
		})
	}
}
