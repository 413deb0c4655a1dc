package agent_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/status"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// healthzBody is the part of /healthz these tests read.
type healthzBody struct {
	Status string
	Error  string
	Links  map[string]struct{ State, Reason string }
}

// healthzLane runs an agent with one printer on a serial tap at hostPort,
// the status listener on a free port and an embedded broker whose health
// topic messages land in health. stop ends Run cleanly.
func healthzLane(t *testing.T, hostPort string) (ag *lanetest.Lane, health *lanetest.Messages, stop func()) {
	t.Helper()
	b := lanetest.Broker(t, lanetest.Quiet())
	health = lanetest.Record(t, b, topic.New("", "s1", "l1").Health())
	cfg := configs.Default()
	cfg.Site, cfg.Lane = "s1", "l1"
	cfg.DataDir = t.TempDir()
	cfg.MQTT.Broker = b.URL()
	cfg.HTTP.Address = "127.0.0.1:0"
	cfg.MQTT.HealthInterval = 100 * time.Millisecond
	dev := configs.DefaultDevice("printer", configs.RolePrinter, "")
	dev.Link.HostPort = hostPort
	cfg.Devices = []configs.Device{dev}
	ag = lanetest.Start(t, cfg, agent.Options{Log: lanetest.Quiet(), Tick: 50 * time.Millisecond})
	stop = func() {
		if err := ag.Stop(); err != nil {
			t.Errorf("agent: %v", err)
		}
	}
	testutil.WaitFor(t, "the status listener", 10*time.Second, func() bool { return ag.StatusAddr() != "" })
	return ag, health, stop
}

func getHealthz(t *testing.T, ag *lanetest.Lane) (int, healthzBody) {
	t.Helper()
	code, body := fetch(t, "http://"+ag.StatusAddr()+"/healthz")
	var h healthzBody
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatalf("healthz body: %v\n%s", err, body)
	}
	return code, h
}

// TestHealthzDeviceMissing: the lane's only device is missing, so the lane
// does not work: /healthz answers 503 and says which link is down and why
// (README: "200 + JSON while the lane works, 503 otherwise").
func TestHealthzDeviceMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "ttyUSB-gone")
	ag, _, _ := healthzLane(t, missing)
	var code int
	var h healthzBody
	testutil.WaitFor(t, "the printer link's state", 10*time.Second, func() bool {
		code, h = getHealthz(t, ag)
		return h.Links["printer"].State != "unknown" && h.Links["printer"].State != ""
	})
	if code != 503 || h.Status != "unhealthy" || h.Links["printer"].State != "down" ||
		!strings.Contains(h.Links["printer"].Reason, "ttyUSB-gone") || !strings.Contains(h.Error, "printer link down") {
		t.Fatalf("healthz with the only device missing: %d %+v", code, h)
	}
}

// TestHealthzLinksAndCleanStop: with the printer there /healthz is 200 and
// says the link is up; after a clean stop the retained health message no
// longer says it is up.
func TestHealthzLinksAndCleanStop(t *testing.T) {
	wires, err := sim.OpenWires()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wires.Close() })
	ag, health, stop := healthzLane(t, wires.Path(sim.PrinterHost))
	select {
	case <-ag.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("agent not ready")
	}
	if code, h := getHealthz(t, ag); code != 200 || h.Status != "ok" || h.Links["printer"].State != "up" {
		t.Fatalf("healthz with the printer up: %d %+v", code, h)
	}
	testutil.WaitFor(t, "a health message with the link up", 10*time.Second, func() bool {
		all := health.All()
		return len(all) > 0 && strings.Contains(all[len(all)-1], `"printer":{"state":"up"`)
	})
	stop()
	all := health.All()
	last := all[len(all)-1]
	if !strings.Contains(last, `"printer":{"state":"down"`) || !strings.Contains(last, status.ReasonAgentStopped) {
		t.Fatalf("last health message after a clean stop: %s", last)
	}
}
