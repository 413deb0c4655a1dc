package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/demo"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// latencyRounds is how many alerts BenchmarkAlertLatency times per run.
const latencyRounds = 20

// BenchmarkAlertLatency measures, on the live pipeline (ptys, decoders,
// Badger journal and outbox with fsync, paho, embedded broker), the time
// from the decisive byte (the last byte of an under-charged receipt,
// written to the printer's pty after its sale was approved) to the
// subscriber receiving the amount_mismatch alert: p50_ms and p99_ms over
// 20 alerts. The detector decides it when the receipt reaches it
// (detect: Engine.pairSent; it waited 3 s StatusGrace after the cut
// before); the printer's decoder holds a cut receipt up to 2 s for a
// drawer kick first (drivers/escpos kickWindow), so that is the floor.
func BenchmarkAlertLatency(b *testing.B) {
	quiet := lanetest.Quiet()
	broker := lanetest.Broker(b, quiet)
	got := make(chan time.Time, 16)
	// Its own subscription: the arrival time is what is measured.
	err := broker.Subscribe(lanetest.AlertFilter, func(_ string, p []byte) {
		var a detect.Alert
		if json.Unmarshal(p, &a) == nil && a.Kind == detect.KindAmountMismatch && a.State == detect.Raised {
			got <- time.Now()
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	all := lanetest.Collect(b, broker) // what else came, should a round fail
	wires := lanetest.Wires(b)
	cfg := demo.Config(b.TempDir(), broker.URL(), wires)
	cfg.Capture, cfg.HTTP.Address = "", ""
	lanetest.Start(b, cfg, agent.Options{Log: quiet}).WaitReady(b, 30*time.Second)
	ctx := context.Background()
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
				{At: 1500 * time.Millisecond, Print: &sim.Receipt{Number: no, Items: []sim.Item{{Name: "GROCERIES", Amount: 12000}},
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
				var came []string
				for _, a := range all.All() {
					came = append(came, a.Kind+" "+string(a.State)+": "+a.Summary)
				}
				b.Fatalf("round %d: no amount_mismatch within 30s; the alerts so far:\n%s", round, strings.Join(came, "\n"))
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(q(0.5), "p50_ms")
	b.ReportMetric(q(0.99), "p99_ms")
}

// BenchmarkIdleAgent runs the shipped agent binary with two devices on
// two-line taps and a connected broker, and reports, measured from
// outside through /proc over 60 idle seconds: resident memory (VmRSS), CPU
// use, context switches per second summed over all its threads (voluntary
// and not) and disk bytes written per hour. Targets (issue 15): <= 0.3 %
// CPU, <= 10 switches/s, RSS <= 25 MiB, <= 1 MB written per hour. Linux
// only.
func BenchmarkIdleAgent(b *testing.B) {
	benchLoad(b, 60*time.Second, 0)
}

// BenchmarkBusyLane is BenchmarkIdleAgent with one card checkout (sale and
// receipt) every 20 seconds, over 60 seconds.
func BenchmarkBusyLane(b *testing.B) {
	benchLoad(b, 60*time.Second, 20*time.Second)
}

func benchLoad(b *testing.B, window, every time.Duration) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		b.Skip("needs /proc")
	}
	broker := lanetest.Broker(b, lanetest.Quiet())
	for range b.N {
		u := loadRun(b, broker, window, every)
		b.ReportMetric(u.rss/(1<<20), "rss_MiB")
		b.ReportMetric(25, "rss_target_MiB")
		b.ReportMetric(u.cpu*100, "cpu_%")
		b.ReportMetric(0.3, "cpu_target_%")
		b.ReportMetric(u.cs, "cs/s")
		b.ReportMetric(10, "cs_target/s")
		if every == 0 {
			b.ReportMetric(u.written/u.secs*3600/1024, "disk_KB/h")
			b.ReportMetric(1024, "disk_target_KB/h")
		} else if u.checkouts > 0 {
			b.ReportMetric(u.written/float64(u.checkouts)/1024, "disk_KB/checkout")
			b.ReportMetric(20, "disk_target_KB/checkout")
		}
	}
}

// usage is what loadRun measured.
type usage struct {
	rss float64 // bytes
	cpu float64 // share of one core
	cs  float64 // context switches per second, all threads
	// written is what the process sent to the storage layer
	// (/proc/PID/io write_bytes: Badger's files, synced page by page).
	written   float64
	secs      float64
	checkouts int // played during the window
}

// loadRun starts the tillwatch binary (built once, as shipped:
// CGO_ENABLED=0, -trimpath) on a lane's ptys, lets it settle, then samples
// it for window while a checkout is played every `every` (never when 0).
// The real binary, not the test binary: its mapped code counts in RSS.
func loadRun(b *testing.B, broker *mqttbroker.Broker, window, every time.Duration) usage {
	bin := agentBinary(b)
	wires, err := sim.OpenWires()
	if err != nil {
		b.Skipf("no ptys: %v", err)
	}
	defer wires.Close()
	dir := b.TempDir()
	path := filepath.Join(dir, "tillwatch.yaml")
	if err := os.WriteFile(path, []byte(benchConfig(dir, broker.URL(), wires)), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "-c", path)
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	time.Sleep(3 * time.Second) // startup settles (a benchmark, not a test)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	played := make(chan error, 1)
	var n atomic.Int64
	pid := cmd.Process.Pid
	t0, c0, s0, w0 := time.Now(), cpuTicks(b, pid), switches(b, pid), testutil.WriteBytes(b, strconv.Itoa(pid))
	if every > 0 {
		go func() { played <- playEvery(ctx, wires, every, &n) }()
	}
	time.Sleep(window)
	t1, c1, s1, w1 := time.Now(), cpuTicks(b, pid), switches(b, pid), testutil.WriteBytes(b, strconv.Itoa(pid))
	if st := procState(b, pid); st == "Z" || st == "X" {
		// An agent that exited (a port taken, a bad config) is a zombie
		// until waited for: its figures would read as a perfect idle.
		b.Fatalf("the agent exited during the window (state %s)", st)
	}
	cancel()
	if every > 0 {
		if err := <-played; err != nil && !errors.Is(err, context.Canceled) {
			b.Fatal(err)
		}
	}
	secs := t1.Sub(t0).Seconds()
	return usage{rss: vmRSS(b, pid), cpu: float64(c1-c0) / 100 / secs, cs: float64(s1-s0) / secs, // USER_HZ is 100 on Linux
		written: float64(w1 - w0), secs: secs, checkouts: int(n.Load())}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// agentBinary builds cmd/tillwatch once per test process, as shipped;
// TILLWATCH_BENCH_BIN names another binary instead (to compare builds).
func agentBinary(b *testing.B) string {
	if p := os.Getenv("TILLWATCH_BENCH_BIN"); p != "" {
		return p
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tillwatch-bench-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "tillwatch")
		cmd := exec.Command("go", "build", "-trimpath", "-o", binPath, "github.com/tillwatch/tillwatch/cmd/tillwatch")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		b.Fatal(binErr)
	}
	return binPath
}

// benchConfig is the demo lane's config (demo.Config) as a file for
// `tillwatch run -c`: two devices on two-line taps, the broker, the status
// listener on a free port (as shipped, without clashing with an agent
// already on 9109), no capture.
func benchConfig(dir, broker string, w *sim.Wires) string {
	return fmt.Sprintf(`site: demo-store
lane: lane-1
data_dir: %s
log_level: warn
http: {address: "127.0.0.1:0"}
mqtt:
  broker: %s
devices:
  - name: printer
    role: printer
    protocol: escpos
    receipt_profile: generic
    code_page: cp437
    currency: CNY
    link: {mode: tap, host_port: %s, device_port: %s, backend: gobug, baud: 19200}
  - name: terminal
    role: terminal
    protocol: zvt
    framing: serial
    currency: CNY
    link: {mode: tap, host_port: %s, device_port: %s, backend: gobug, baud: 9600, stop_bits: 2}
detect:
  match_window: 20s
  receipt_wait: 6s
  cut_timeout: 4s
  status_timeout: 2s
`, filepath.Join(dir, "data"), broker, w.Path(sim.PrinterHost), w.Path(sim.PrinterDevice), w.Path(sim.TerminalHost), w.Path(sim.TerminalDevice))
}

// playEvery plays a matched card checkout at once and then every d, at
// 9600 baud as a real serial line delivers it (many small reads), and
// counts those played in n.
func playEvery(ctx context.Context, wires *sim.Wires, d time.Duration, n *atomic.Int64) error {
	for i := 0; ; i++ {
		trace, no := fmt.Sprintf("%06d", 900+i), fmt.Sprintf("%04d", 9000+i)
		writes, err := sim.Compile([]sim.Action{
			{At: 0, Sale: &sim.CardSale{Requested: 4500, Currency: 156, Trace: trace, ReceiptNo: no, AuthCode: "A" + trace,
				PAN: fmt.Sprintf("622588EEEEEE%04d", i), Terminal: "52523535"}},
			{At: 300 * time.Millisecond, Print: &sim.Receipt{Number: no, Items: []sim.Item{{Name: "GROCERIES", Amount: 4500}},
				Tenders: []sim.Tender{{Kind: "card", Amount: 4500}}}},
		})
		if err != nil {
			return err
		}
		if err := (&sim.Player{Out: wires.Writer, Baud: 9600}).Play(ctx, writes); err != nil {
			return err
		}
		n.Add(1)
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// switches sums the context switches of every thread of pid.
func switches(b *testing.B, pid int) int64 {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, t := range tasks {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/status", pid, t.Name()))
		if err != nil {
			continue // the thread ended
		}
		for _, l := range strings.Split(string(raw), "\n") {
			for _, k := range []string{"voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"} {
				if v, ok := strings.CutPrefix(l, k); ok {
					x, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
					n += x
				}
			}
		}
	}
	return n
}

// procState is the state letter of pid (/proc/PID/stat): S, R, Z...
func procState(b *testing.B, pid int) string {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	s := string(raw)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+2:])[0]
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
