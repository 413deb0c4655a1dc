package mqttbroker

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// connect returns a connected paho client or fails the test.
func connect(t *testing.T, url, id string) paho.Client {
	t.Helper()
	o := paho.NewClientOptions().AddBroker(url).SetClientID(id).
		SetAutoReconnect(false).SetConnectTimeout(5 * time.Second)
	c := paho.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("connect %s: %v", url, tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

// roundTrip subscribes, publishes one QoS 1 message and waits for it.
func roundTrip(t *testing.T, b *Broker, payload string) {
	t.Helper()
	got := make(chan string, 1)
	sub := connect(t, b.URL(), "sub-"+payload)
	tok := sub.Subscribe("t/x", 1, func(_ paho.Client, m paho.Message) {
		select {
		case got <- string(m.Payload()):
		default:
		}
	})
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	pub := connect(t, b.URL(), "pub-"+payload)
	ptok := pub.Publish("t/x", 1, false, payload)
	if !ptok.WaitTimeout(10*time.Second) || ptok.Error() != nil {
		t.Fatalf("publish: %v", ptok.Error())
	}
	select {
	case p := <-got:
		if p != payload {
			t.Fatalf("got %q, want %q", p, payload)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("message %q never arrived", payload)
	}
}

func TestStartRoundTripRestart(t *testing.T) {
	b, err := Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.Addr(), "127.0.0.1:") || strings.HasSuffix(b.Addr(), ":0") {
		t.Fatalf("Addr() = %q, want a bound loopback port", b.Addr())
	}
	if b.URL() != "tcp://"+b.Addr() {
		t.Fatalf("URL() = %q", b.URL())
	}
	roundTrip(t, b, "first")
	addr := b.Addr()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	b2, err := Start(addr, nil)
	if err != nil {
		t.Fatalf("restart on %s: %v", addr, err)
	}
	defer b2.Close()
	if b2.Addr() != addr {
		t.Fatalf("restarted on %q, want %q", b2.Addr(), addr)
	}
	roundTrip(t, b2, "second")
}

func TestStartAddrInUse(t *testing.T) {
	b, err := Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b2, err := Start(b.Addr(), nil); err == nil {
		b2.Close()
		t.Fatalf("second broker on %s started, want an error", b.Addr())
	} else if !strings.HasPrefix(err.Error(), "mqttbroker: ") {
		t.Fatalf("error %q lacks the package prefix", err)
	}
}

func TestQuietLogging(t *testing.T) {
	for _, tc := range []struct {
		name  string
		level slog.Level
		want  bool // mochi's info lines reach the log
	}{
		{"info", slog.LevelInfo, false},
		{"debug", slog.LevelDebug, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tc.level}))
			b, err := Start("127.0.0.1:0", log)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(buf.String(), "mochi"); got != tc.want {
				t.Fatalf("mochi lines in log = %v, want %v; log:\n%s", got, tc.want, buf.String())
			}
		})
	}
}

func TestInlineSubscribe(t *testing.T) {
	b, err := Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got := make(chan string, 1)
	if err := b.Subscribe("a/#", func(topic string, payload []byte) { got <- topic + "=" + string(payload) }); err != nil {
		t.Fatal(err)
	}
	c := connect(t, b.URL(), "inline-pub")
	defer c.Disconnect(0)
	if tok := c.Publish("a/b", 1, false, "hi"); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish: %v", tok.Error())
	}
	select {
	case s := <-got:
		if s != "a/b=hi" {
			t.Errorf("inline subscriber got %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("inline subscriber got nothing")
	}
}
