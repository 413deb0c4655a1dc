package agent_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/internal/headless"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestStatusListener runs the demo lane with the status listener on a free
// loopback port and Home Assistant discovery on: the discovery configs
// reach the broker, /healthz is 200 while it runs, /metrics counts the links
// and the first alert, and the page in a real headless browser shows both
// devices and the alert. After Run returns, Health reports it.
func TestStatusListener(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	quiet := lanetest.Quiet()
	d := lanetest.NewDemo(t, quiet)
	b, wires, cfg := d.Broker, d.Wires, d.Config
	cfg.HTTP.Address = "127.0.0.1:0"
	cfg.HomeAssistant.Discovery = true
	disc := lanetest.Record(t, b, "homeassistant/#")
	ag, err := agent.New(cfg, agent.Options{Log: quiet, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ag.Health(); err == nil {
		t.Error("healthy before Run")
	}
	ln := lanetest.Run(t, ag)
	ln.WaitReady(t, 30*time.Second)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	testutil.WaitFor(t, "Home Assistant discovery", 20*time.Second, func() bool { return len(disc.All()) >= 2 })
	for _, want := range []string{
		`homeassistant/binary_sensor/tillwatch_demo-store_lane-1/online/config {"name":"Online"`,
		`homeassistant/event/tillwatch_demo-store_lane-1/alert/config {"name":"Alert"`,
	} {
		if !slices.ContainsFunc(disc.All(), func(m string) bool { return strings.HasPrefix(m, want) }) {
			t.Errorf("no discovery message %s", want)
		}
	}
	base := "http://" + ag.StatusAddr()
	if code, body := fetch(t, base+"/healthz"); code != 200 || !strings.Contains(body, `"status": "ok"`) {
		t.Errorf("healthz while running: %d %s", code, body)
	}
	writes, err := sim.Compile(sim.DemoShift())
	if err != nil {
		t.Fatal(err)
	}
	played := make(chan error, 1)
	go func() { played <- (&sim.Player{Out: wires.Writer}).Play(ctx, writes) }()
	testutil.WaitFor(t, "the first alert", 45*time.Second, func() bool { return ag.Stats().Alerts >= 1 })

	_, metrics := fetch(t, base+"/metrics")
	for _, want := range []string{
		`tillwatch_link_up{device="printer",role="printer"} 1`,
		`tillwatch_link_up{device="terminal",role="terminal"} 1`,
		`tillwatch_info{lane="lane-1",site="demo-store",version="test"} 1`,
		`tillwatch_healthy 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	var snap struct {
		Alerts []struct{ Kind, Summary string }
	}
	_, js := fetch(t, base+"/status.json")
	if err := json.Unmarshal([]byte(js), &snap); err != nil || len(snap.Alerts) == 0 {
		t.Fatalf("status.json: %v %s", err, js)
	}
	if !strings.Contains(metrics, `tillwatch_alerts_total{kind="`+snap.Alerts[0].Kind+`"} 1`) {
		t.Errorf("metrics do not count the %s alert", snap.Alerts[0].Kind)
	}

	if br, err := headless.Find(); err != nil {
		t.Logf("SKIP browser part: %v", err)
	} else {
		dom, err := br.DumpDOM(ctx, base+"/")
		if err != nil {
			t.Fatal(err)
		}
		summary := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(snap.Alerts[0].Summary)
		for _, want := range []string{"demo-store / lane-1", ">printer<", ">terminal<", snap.Alerts[0].Kind, summary, "healthy"} {
			if !strings.Contains(dom, want) {
				t.Errorf("the page in the browser lacks %q", want)
			}
		}
		if err := br.Screenshot(ctx, base+"/", filepath.Join(t.TempDir(), "lane.png"), 1280, 900); err != nil {
			t.Error(err)
		}
	}
	cancel() // the rest of the shift is not needed
	if err := <-played; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if err := ln.Stop(); err != nil {
		t.Errorf("agent: %v", err)
	}
	if err := ag.Health(); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Errorf("health after Run: %v", err)
	}
}
