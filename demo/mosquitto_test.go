package demo

import (
	"bytes"
	"context"
	"testing"

	"github.com/tillwatch/tillwatch/internal/mqtttest"
)

// TestDemoMosquitto runs the whole lane -> agent -> broker -> subscriber
// path against a real mosquitto (Debian's package in CI); it skips with a
// visible message when mosquitto is not installed.
func TestDemoMosquitto(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("end-to-end")
	}
	m := mqtttest.StartMosquitto(t)
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{Dir: t.TempDir(), Broker: m.URL(), Out: &out})
	if err != nil {
		t.Fatalf("demo against mosquitto: %v\n%s", err, out.String())
	}
	checkDemoAlerts(t, res.Alerts)
}
