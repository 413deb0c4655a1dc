package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/demo"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/sim"
)

// latencyRounds is how many alerts BenchmarkAlertLatency times per run.
const latencyRounds = 20

// BenchmarkAlertLatency measures, on the live pipeline (ptys, decoders,
// Badger journal and outbox with fsync, paho, embedded broker), the time
// from the decisive byte (the last byte of an under-charged receipt,
// written to the printer's pty) to the subscriber receiving the
// amount_mismatch alert: p50_ms and p99_ms over 20 alerts. The rule
// itself waits detect.clock_skew (2s) for a late event before it decides,
// so that is the floor.
func BenchmarkAlertLatency(b *testing.B) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	broker, err := mqttbroker.Start("127.0.0.1:0", quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer broker.Close()
	got := make(chan time.Time, 16)
	err = broker.Subscribe(demo.AlertFilter, func(_ string, p []byte) {
		var a detect.Alert
		if json.Unmarshal(p, &a) == nil && a.Kind == detect.KindAmountMismatch && a.State == detect.Raised {
			got <- time.Now()
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	wires, err := sim.OpenWires()
	if err != nil {
		b.Skipf("no ptys: %v", err)
	}
	defer wires.Close()
	cfg := demo.Config(b.TempDir(), broker.URL(), wires)
	cfg.Capture, cfg.HTTP.Address = "", ""
	ag, err := agent.New(cfg, agent.Options{Log: quiet})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ag.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	<-ag.Ready()
	round := 0
	var lat []time.Duration
	b.ResetTimer()
	for range b.N {
		for range latencyRounds {
			round++
			trace, no := fmt.Sprintf("%06d", 500+round), fmt.Sprintf("%04d", 5000+round)
			writes, err := sim.Compile([]sim.Action{
				{At: 0, Sale: &sim.CardSale{Requested: 1200, Currency: 156, Trace: trace, ReceiptNo: no, AuthCode: "A" + trace,
					PAN: fmt.Sprintf("622588EEEEEE%04d", round), Terminal: "52523535"}},
				{At: 200 * time.Millisecond, Print: &sim.Receipt{Number: no, Items: []sim.Item{{Name: "GROCERIES", Amount: 12000}},
					Tenders: []sim.Tender{{Kind: "card", Amount: 12000}}}},
			})
			if err != nil {
				b.Fatal(err)
			}
			if err := (&sim.Player{Out: wires.Writer}).Play(ctx, writes); err != nil {
				b.Fatal(err)
			}
			sent := time.Now() // the last write (the receipt's cut) has returned
			select {
			case at := <-got:
				lat = append(lat, at.Sub(sent))
			case <-time.After(30 * time.Second):
				b.Fatalf("round %d: no alert within 30s", round)
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(q(0.5), "p50_ms")
	b.ReportMetric(q(0.99), "p99_ms")
}

// BenchmarkIdleAgent runs the agent (the test binary as a child process,
// like TestKill9) with two devices attached and no traffic, and reports
// its resident memory (VmRSS) and CPU use over 10 idle seconds. Linux only
// (/proc).
func BenchmarkIdleAgent(b *testing.B) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		b.Skip("needs /proc")
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	broker, err := mqttbroker.Start("127.0.0.1:0", quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer broker.Close()
	for range b.N {
		rss, cpu := idleRun(b, broker)
		b.ReportMetric(rss/(1<<20), "rss_MiB")
		b.ReportMetric(cpu*100, "idle_cpu_%")
	}
}

// idleRun starts a child agent, lets it settle, then samples it for 10s.
func idleRun(b *testing.B, broker *mqttbroker.Broker) (rss, cpu float64) {
	wires, err := sim.OpenWires()
	if err != nil {
		b.Skipf("no ptys: %v", err)
	}
	defer wires.Close()
	dir := b.TempDir()
	cfg := demo.Config(dir, broker.URL(), wires)
	cfg.Capture, cfg.HTTP.Address, cfg.LogLevel = "", "", "info"
	path := dir + "/config.json"
	raw, _ := json.Marshal(cfg)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		b.Fatal(err)
	}
	l := &lane{wires: wires, cfg: cfg, path: path}
	c := start(b, l, newLedger())
	defer func() {
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		<-c.done
	}()
	time.Sleep(3 * time.Second) // startup settles (a benchmark, not a test)
	pid := c.cmd.Process.Pid
	t0, c0 := time.Now(), cpuTicks(b, pid)
	time.Sleep(10 * time.Second)
	t1, c1 := time.Now(), cpuTicks(b, pid)
	return vmRSS(b, pid), float64(c1-c0) / 100 / t1.Sub(t0).Seconds() // USER_HZ is 100 on Linux
}

func cpuTicks(b *testing.B, pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command name "(...)": utime is the 14th field, stime the 15th.
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return ut + st
}

func vmRSS(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb * 1024
		}
	}
	b.Fatal("no VmRSS")
	return 0
}
