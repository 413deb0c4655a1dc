// Package lanetest starts what an end-to-end test of a lane needs: an
// embedded MQTT broker, the simulated lane's ptys, a subscriber that
// gathers alerts, and a running agent that the test stops (or that stops
// when the test ends). Everything it starts is closed with t.Cleanup.
package lanetest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// AlertFilter subscribes to every lane's alerts.
var AlertFilter = topic.New("", "+", "+").Alert("#")

// Quiet is a logger that drops everything.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Broker starts an embedded broker on a free loopback port.
func Broker(t testing.TB, log *slog.Logger) *mqttbroker.Broker {
	t.Helper()
	b, err := mqttbroker.Start("127.0.0.1:0", log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// Wires opens the simulated lane's ptys.
func Wires(t testing.TB) *sim.Wires {
	t.Helper()
	w, err := sim.OpenWires()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// Alerts gathers the alerts a broker-side subscription receives.
type Alerts struct {
	mu     sync.Mutex
	alerts []detect.Alert
	errs   []error
}

// Collect subscribes to every lane's alerts on b.
func Collect(t testing.TB, b *mqttbroker.Broker) *Alerts {
	t.Helper()
	c := &Alerts{}
	if err := b.Subscribe(AlertFilter, c.Add); err != nil {
		t.Fatal(err)
	}
	return c
}

// Add takes one alert message (a broker subscription's callback).
func (c *Alerts) Add(_ string, payload []byte) {
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

// All returns the alerts so far, in arrival order.
func (c *Alerts) All() []detect.Alert {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.alerts)
}

// Errs returns the payloads that were no alert.
func (c *Alerts) Errs() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.errs)
}

// Keys maps each kind (kind/resolved for a resolution) to its alert id,
// or to "CONFLICT a b" when two different ids came for it.
func (c *Alerts) Keys() map[string]string {
	m := map[string]string{}
	for _, a := range c.All() {
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

// Wait waits for an alert of kind in state and returns it.
func (c *Alerts) Wait(t testing.TB, kind string, state detect.State, timeout time.Duration) detect.Alert {
	t.Helper()
	var found detect.Alert
	testutil.WaitFor(t, kind+" "+string(state), timeout, func() bool {
		for _, a := range c.All() {
			if a.Kind == kind && a.State == state {
				found = a
				return true
			}
		}
		return false
	})
	return found
}

// Messages gathers "topic payload" lines of a broker-side subscription.
type Messages struct {
	mu  sync.Mutex
	got []string
}

// Record subscribes to filter on b.
func Record(t testing.TB, b *mqttbroker.Broker, filter string) *Messages {
	t.Helper()
	m := &Messages{}
	if err := b.Subscribe(filter, m.Add); err != nil {
		t.Fatal(err)
	}
	return m
}

// Add takes one message (a broker subscription's callback).
func (m *Messages) Add(topic string, payload []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got = append(m.got, topic+" "+string(payload))
}

// All returns the messages so far.
func (m *Messages) All() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.got)
}

// Lane is an agent running on its own goroutine.
type Lane struct {
	*agent.Agent
	cancel context.CancelFunc
	done   chan error

	once sync.Once
	err  error
}

// stopWait bounds how long Stop waits for Run to return.
const stopWait = 30 * time.Second

// Start builds an agent from cfg and runs it until Stop or the end of
// the test (where an error from Run fails the test).
func Start(t testing.TB, cfg *configs.Config, opts agent.Options) *Lane {
	t.Helper()
	ag, err := agent.New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return Run(t, ag)
}

// Run runs ag (made by agent.New) as Start does.
func Run(t testing.TB, ag *agent.Agent) *Lane {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &Lane{Agent: ag, cancel: cancel, done: make(chan error, 1)}
	go func() { l.done <- ag.Run(ctx) }()
	t.Cleanup(func() {
		first := false
		l.once.Do(func() { first = true; l.stop() })
		if first && l.err != nil {
			t.Errorf("agent: %v", l.err)
		}
	})
	return l
}

// WaitReady waits until every device's link was up once; it fails the test
// when Run returns first or timeout passes.
func (l *Lane) WaitReady(t testing.TB, timeout time.Duration) {
	t.Helper()
	select {
	case <-l.Agent.Ready():
	case err := <-l.done:
		l.done <- err // for Stop
		t.Fatalf("agent stopped before it was ready: %v", err)
	case <-time.After(timeout):
		t.Fatalf("agent not ready after %s", timeout)
	}
}

// Stop ends Run and returns its error; later calls return the same.
func (l *Lane) Stop() error {
	l.once.Do(l.stop)
	return l.err
}

func (l *Lane) stop() {
	l.cancel()
	select {
	case l.err = <-l.done:
	case <-time.After(stopWait):
		l.err = fmt.Errorf("lanetest: the agent did not stop within %s", stopWait)
	}
}
