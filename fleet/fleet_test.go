package fleet

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/internal/mqtttest"
)

// mosquittoConf makes the loopback mosquitto keep sessions across a crash:
// persistence with an autosave every second (a kill loses at most the
// last second of broker state), no cap on queued or in-flight messages (a
// cap makes mosquitto drop QoS 1 messages it already acknowledged), and,
// when the test runs as root, no switch to the mosquitto user (which could
// not write into the test's temporary directory).
// It returns the configuration lines and the persistence directory.
func mosquittoConf(t *testing.T) (conf, dir string) {
	dir = t.TempDir()
	lines := []string{
		"persistence true",
		"persistence_location " + dir + "/",
		"autosave_interval 1",
		"max_queued_messages 0",
		"max_inflight_messages 0",
	}
	if u, err := user.Current(); err == nil && u.Uid == "0" {
		lines = append(lines, "user root")
	}
	return strings.Join(lines, "\n") + "\n", dir
}

// mosquitto adapts mqtttest.Mosquitto to Broker.
type mosquitto struct {
	t *testing.T
	m *mqtttest.Mosquitto
}

func (b mosquitto) URL() string { return b.m.URL() }
func (b mosquitto) Pids() []int {
	if p := b.m.Pid(); p != 0 {
		return []int{p}
	}
	return nil
}
func (b mosquitto) Stop() error  { b.m.Stop(b.t); return nil }
func (b mosquitto) Start() error { b.m.Start(b.t); return nil }

// envConfig reads the size of a run from FLEET_* variables (see
// README.md); unset ones keep the defaults, the CI-sized run.
func envConfig(t *testing.T) Config {
	t.Helper()
	var c Config
	for _, v := range []struct {
		name string
		set  func(string) error
	}{
		{"FLEET_LANES", intVar(&c.Lanes)},
		{"FLEET_CONSUMERS", intVar(&c.Consumers)},
		{"FLEET_INFLIGHT", intVar(&c.Inflight)},
		{"FLEET_HOUR", durVar(&c.Hour)},
		{"FLEET_SPEED", floatVar(&c.Speed)},
		{"FLEET_CUSTOMERS", floatVar(&c.Customers)},
		{"FLEET_INCIDENTS", floatVar(&c.Incidents)},
		{"FLEET_DRAIN_TIMEOUT", durVar(&c.DrainTimeout)},
		{"FLEET_SEED", func(s string) (err error) { c.Seed, err = strconv.ParseUint(s, 10, 64); return }},
		{"FLEET_GROUP", func(s string) error { c.Group = s; return nil }},
	} {
		if s := os.Getenv(v.name); s != "" {
			if err := v.set(s); err != nil {
				t.Fatalf("%s=%q: %v", v.name, s, err)
			}
		}
	}
	c.Dir = t.TempDir()
	return c
}

func intVar(p *int) func(string) error {
	return func(s string) (err error) { *p, err = strconv.Atoi(s); return }
}

func floatVar(p *float64) func(string) error {
	return func(s string) (err error) { *p, err = strconv.ParseFloat(s, 64); return }
}

func durVar(p *time.Duration) func(string) error {
	return func(s string) (err error) { *p, err = time.ParseDuration(s); return }
}

// logReport prints the report's table in the test log.
func logReport(t *testing.T, rep *Report) {
	t.Helper()
	if rep == nil {
		return
	}
	var b strings.Builder
	if err := rep.WriteTable(&b); err != nil {
		t.Errorf("write report: %v", err)
	}
	t.Logf("fleet report:\n%s", b.String())
}

// TestFleetMosquitto is the fleet simulation: 200 lanes against one
// mosquitto on loopback, a consumer group of 3, a busy hour compressed
// 60x, and the broker killed and restarted once mid-run.
func TestFleetMosquitto(t *testing.T) {
	if os.Getenv("FLEET_BROKER") != "" {
		t.Skip("FLEET_BROKER is set: TestFleetExternal runs against it instead")
	}
	conf, _ := mosquittoConf(t)
	m := mqtttest.StartMosquittoConf(t, conf)
	cfg := envConfig(t)
	cfg.Restart = mosquitto{t: t, m: m}
	cfg.NoGate = os.Getenv("FLEET_NOGATE") == "1"
	rep, err := Run(t.Context(), cfg)
	logReport(t, rep)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep)
	if rep.Outage == nil {
		t.Error("the broker was not restarted")
	}
	if rep.Reconnects < uint64(rep.Config.Lanes) {
		t.Errorf("%d reconnects for %d lanes: not every lane lived through the crash", rep.Reconnects, rep.Config.Lanes)
	}
}

// TestFleetExternal runs the same against FLEET_BROKER (a broker this test
// does not own: no crash, no CPU figure).
func TestFleetExternal(t *testing.T) {
	url := os.Getenv("FLEET_BROKER")
	if url == "" {
		t.Skip("set FLEET_BROKER=tcp://host:1883 to run the fleet against your broker")
	}
	cfg := envConfig(t)
	cfg.Broker = url
	if cfg.Group == "" {
		cfg.Group = fmt.Sprintf("%s-%d", DefaultGroup, time.Now().Unix())
	}
	rep, err := Run(t.Context(), cfg)
	logReport(t, rep)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep)
}

// checkReport fails the test unless the delivery contract held and the
// consumer group shared the load.
func checkReport(t *testing.T, rep *Report) {
	t.Helper()
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	if rep.Sent == 0 {
		t.Fatal("no alert was stored: the shift produced nothing to deliver")
	}
	for i, n := range rep.PerConsumer {
		if n == 0 {
			t.Errorf("consumer %d received nothing: the group did not share the load", i+1)
		}
	}
	if rep.Copies != rep.Unique+rep.Duplicates {
		t.Errorf("%d copies are not %d distinct + %d duplicates", rep.Copies, rep.Unique, rep.Duplicates)
	}
}

// Freeze pauses mosquitto (SIGSTOP); Stop kills it all the same.
func (b mosquitto) Freeze() error { return sigstop(b.m.Pid()) }

// TestFleetEmbedded is a small run against the embedded broker: it needs
// no mosquitto, so the whole path runs on every machine (no crash: the
// embedded broker forgets everything when it closes).
func TestFleetEmbedded(t *testing.T) {
	b, err := mqttbroker.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cfg := Config{Broker: b.URL(), Dir: t.TempDir(), Lanes: 20, Hour: 10 * time.Minute, Speed: 120, Seed: 3, Incidents: 0.3}
	rep, err := Run(t.Context(), cfg)
	logReport(t, rep)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep)
}
