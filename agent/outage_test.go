package agent_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/demo"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/sim"
)

// collector gathers alerts from broker-side (inline) subscriptions.
type collector struct {
	mu     sync.Mutex
	alerts []detect.Alert
	errs   []error
}

func (c *collector) add(_ string, payload []byte) {
	var a detect.Alert
	err := json.Unmarshal(payload, &a)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	c.alerts = append(c.alerts, a)
}

func (c *collector) keys() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[string]string{}
	for _, a := range c.alerts {
		k := a.Kind
		if a.State == detect.Resolved {
			k += "/resolved"
		}
		if prev, ok := m[k]; ok && prev != a.ID {
			m[k] = "CONFLICT " + prev + " " + a.ID
			continue
		}
		m[k] = a.ID
	}
	return m
}

func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBrokerOutageBuffersAlerts stops the broker in the middle of the demo
// shift (after the first alert was delivered) and starts a new one on the
// same port after the shift: every alert detected meanwhile must arrive
// from the outbox, with the ids it would have had.
func TestBrokerOutageBuffersAlerts(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	got := &collector{}
	b1, err := mqttbroker.Start("127.0.0.1:0", quiet)
	if err != nil {
		t.Fatal(err)
	}
	addr := b1.Addr()
	if err := b1.Subscribe(demo.AlertFilter, got.add); err != nil {
		t.Fatal(err)
	}
	wires, err := sim.OpenWires()
	if err != nil {
		t.Fatal(err)
	}
	defer wires.Close()
	cfg := demo.Config(t.TempDir(), b1.URL(), wires)
	cfg.Capture = ""
	ag, err := agent.New(cfg, agent.Options{Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- ag.Run(ctx) }()
	select {
	case <-ag.Ready():
	case err := <-done:
		t.Fatalf("agent stopped: %v", err)
	}
	writes, err := sim.Compile(sim.DemoShift())
	if err != nil {
		t.Fatal(err)
	}
	played := make(chan error, 1)
	go func() { played <- (&sim.Player{Out: wires.Writer}).Play(ctx, writes) }()

	// The under-charge is the first alert; once it arrived, the broker dies.
	waitFor(t, "the first alert through the first broker", 30*time.Second, func() bool { return len(got.keys()) >= 1 })
	if err := b1.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-played; err != nil {
		t.Fatal(err)
	}
	want := sim.DemoExpected()
	waitFor(t, "every alert in the outbox", 30*time.Second, func() bool { return ag.Stats().Alerts >= len(want) })
	if n := len(got.keys()); n >= len(want) {
		t.Fatalf("all %d alerts arrived while the broker was down: the test proves nothing", n)
	}

	b2, err := mqttbroker.Start(addr, quiet)
	if err != nil {
		t.Fatalf("restart broker on %s: %v", addr, err)
	}
	defer b2.Close()
	if err := b2.Subscribe(demo.AlertFilter, got.add); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "buffered alerts after the broker came back", 45*time.Second, func() bool { return len(got.keys()) >= len(want) })
	keys := got.keys()
	for _, k := range want {
		if keys[k] == "" || len(keys[k]) > 16 {
			t.Errorf("%s: %q", k, keys[k])
		}
	}
	if len(got.errs) > 0 {
		t.Errorf("undecodable payloads: %v", got.errs)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("agent: %v", err)
	}
}
