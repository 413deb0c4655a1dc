package agent_test

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// TestBrokerOutageBuffersAlerts stops the broker in the middle of the demo
// shift (after the first alert was delivered) and starts a new one on the
// same port after the shift: every alert detected meanwhile must arrive
// from the outbox, with the ids it would have had.
func TestBrokerOutageBuffersAlerts(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	quiet := lanetest.Quiet()
	d := lanetest.NewDemo(t, quiet)
	b1, got, wires, cfg := d.Broker, d.Alerts, d.Wires, d.Config
	addr := b1.Addr()
	ln := lanetest.Start(t, cfg, agent.Options{Log: quiet})
	ln.WaitReady(t, 30*time.Second)
	ctx := t.Context()
	writes, err := sim.Compile(sim.DemoShift())
	if err != nil {
		t.Fatal(err)
	}
	played := make(chan error, 1)
	go func() { played <- (&sim.Player{Out: wires.Writer}).Play(ctx, writes) }()

	// The under-charge is the first alert; once it arrived, the broker dies.
	testutil.WaitFor(t, "the first alert through the first broker", 30*time.Second, func() bool { return len(got.Keys()) >= 1 })
	if err := b1.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-played; err != nil {
		t.Fatal(err)
	}
	want := sim.DemoExpected()
	testutil.WaitFor(t, "every alert in the outbox", 30*time.Second, func() bool { return ln.Stats().Alerts >= len(want) })
	if n := len(got.Keys()); n >= len(want) {
		t.Fatalf("all %d alerts arrived while the broker was down: the test proves nothing", n)
	}

	b2, err := mqttbroker.Start(addr, quiet)
	if err != nil {
		t.Fatalf("restart broker on %s: %v", addr, err)
	}
	defer b2.Close()
	if err := b2.Subscribe(lanetest.AlertFilter, got.Add); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, "buffered alerts after the broker came back", 45*time.Second, func() bool { return len(got.Keys()) >= len(want) })
	keys := got.Keys()
	for _, k := range want {
		if keys[k] == "" || len(keys[k]) > 16 {
			t.Errorf("%s: %q", k, keys[k])
		}
	}
	if errs := got.Errs(); len(errs) > 0 {
		t.Errorf("undecodable payloads: %v", errs)
	}
	if err := ln.Stop(); err != nil {
		t.Errorf("agent: %v", err)
	}
}
