package lanetest

import (
	"context"
	"log/slog"
	"testing"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/demo"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/sim"
)

// Demo is the demo's lane set up for an end-to-end test.
type Demo struct {
	Broker *mqttbroker.Broker
	// Alerts gathers every alert the broker receives.
	Alerts *Alerts
	Wires  *sim.Wires
	// Config is demo.Config for the lane, in a temporary directory, with
	// the capture off; change it before starting the agent.
	Config *configs.Config
}

// NewDemo starts a broker, gathers its alerts and opens the lane's ptys.
func NewDemo(t testing.TB, log *slog.Logger) *Demo {
	t.Helper()
	b := Broker(t, log)
	d := &Demo{Broker: b, Alerts: Collect(t, b), Wires: Wires(t)}
	d.Config = demo.Config(t.TempDir(), b.URL(), d.Wires)
	d.Config.Capture = ""
	return d
}

// Play plays acts on the lane's wires and returns once they are written.
func (d *Demo) Play(t testing.TB, ctx context.Context, acts ...sim.Action) {
	t.Helper()
	writes, err := sim.Compile(acts)
	if err != nil {
		t.Fatal(err)
	}
	if err := (&sim.Player{Out: d.Wires.Writer}).Play(ctx, writes); err != nil {
		t.Fatal(err)
	}
}
