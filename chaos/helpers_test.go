package chaos

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/status"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/demo"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/internal/scenarios"
	"github.com/tillwatch/tillwatch/sim"
)

// childEnv names the JSON config the child agent runs.
const childEnv = "TILLWATCH_CHAOS_CHILD"

func TestMain(m *testing.M) {
	if p := os.Getenv(childEnv); p != "" {
		os.Exit(runChild(p))
	}
	os.Exit(m.Run())
}

// runChild is the agent process: it logs JSON to stderr (the parent reads
// the "alert" lines, written only once the alert is durable in the
// outbox) and stops cleanly on SIGTERM.
func runChild(path string) int {
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	b, err := os.ReadFile(path)
	if err != nil {
		log.Error("read config", "error", err)
		return 3
	}
	var cfg configs.Config
	if err := json.Unmarshal(b, &cfg); err != nil {
		log.Error("decode config", "error", err)
		return 3
	}
	ag, err := agent.New(&cfg, agent.Options{Log: log, Version: "chaos", Recognizer: stuckRecognizer(os.Getenv(stuckEnv))})
	if err != nil {
		log.Error("agent", "error", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	// Never outlive a lost parent.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := ag.Run(ctx); err != nil {
		log.Error("agent stopped", "error", err)
		return 1
	}
	return 0
}

// lane is a simulated lane and an agent config for it.
type lane struct {
	wires *sim.Wires
	cfg   *configs.Config
	path  string // the config as JSON, for children
}

func newLane(t testing.TB, broker string, dataDir string) *lane {
	t.Helper()
	wires := lanetest.Wires(t)
	dir := t.TempDir()
	cfg := demo.Config(dir, broker, wires)
	cfg.Capture, cfg.HTTP.Address, cfg.LogLevel = "", "", "info"
	if dataDir != "" {
		cfg.DataDir = dataDir
	}
	cfg.MQTT.HealthInterval = time.Second
	l := &lane{wires: wires, cfg: cfg, path: filepath.Join(dir, "config.json")}
	l.save(t)
	return l
}

func (l *lane) save(t testing.TB) {
	t.Helper()
	b, err := json.Marshal(l.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(l.path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// play plays shift on the lane's wires in the background.
func (l *lane) play(t *testing.T, ctx context.Context, shift []sim.Action) <-chan error {
	t.Helper()
	writes, err := sim.Compile(shift)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- (&sim.Player{Out: l.wires.Writer}).Play(ctx, writes) }()
	return done
}

// ledger collects what the agents said they detected (durably) and what
// the subscriber received.
type ledger struct {
	mu       sync.Mutex
	detected map[string]string   // id -> severity
	received map[string][]string // id -> incident/state of each delivery
	byInc    map[string]map[string]bool
	health   []status.HealthMessage
	bad      []string
	shedSelf int // "alert shed" log lines: alerts refused by the capacity
	// noReceipt holds the traces of the sales whose
	// payment_without_receipt (raised) reached the subscriber.
	noReceipt map[string]bool
}

func (g *ledger) selfShed() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return int64(g.shedSelf)
}

func newLedger() *ledger {
	return &ledger{detected: map[string]string{}, received: map[string][]string{}, byInc: map[string]map[string]bool{}, noReceipt: map[string]bool{}}
}

// onMessage is the broker-side subscription to the lane's topics.
func (g *ledger) onMessage(topic string, payload []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if filepath.Base(topic) == "health" {
		var h status.HealthMessage
		if err := json.Unmarshal(payload, &h); err != nil {
			g.bad = append(g.bad, fmt.Sprintf("health %s: %v", payload, err))
			return
		}
		g.health = append(g.health, h)
		return
	}
	var a detect.Alert
	if err := json.Unmarshal(payload, &a); err != nil || a.ID == "" {
		g.bad = append(g.bad, fmt.Sprintf("%s: %s (%v)", topic, payload, err))
		return
	}
	key := a.Incident + "/" + string(a.State)
	g.received[a.ID] = append(g.received[a.ID], key)
	if a.Kind == detect.KindPaymentWithoutReceipt && a.State == detect.Raised && a.Payment != nil {
		g.noReceipt[a.Payment.Trace] = true
	}
	if g.byInc[key] == nil {
		g.byInc[key] = map[string]bool{}
	}
	g.byInc[key][a.ID] = true
}

func (g *ledger) subscribe(t *testing.T, b *mqttbroker.Broker) {
	t.Helper()
	for _, f := range []string{lanetest.AlertFilter, topic.New("", "+", "+").Health()} {
		if err := b.Subscribe(f, g.onMessage); err != nil {
			t.Fatal(err)
		}
	}
}

// missing returns the detected ids not received yet.
func (g *ledger) missing() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for id := range g.detected {
		if len(g.received[id]) == 0 {
			out = append(out, id)
		}
	}
	return out
}

// missingNoReceipt lists the traces whose payment_without_receipt has not
// reached the subscriber.
func (g *ledger) missingNoReceipt(traces []string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, tr := range traces {
		if !g.noReceipt[tr] {
			out = append(out, tr)
		}
	}
	return out
}

// receivedNoReceipt lists the traces whose payment_without_receipt
// arrived, sorted (for messages).
func (g *ledger) receivedNoReceipt() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Sorted(maps.Keys(g.noReceipt))
}

func (g *ledger) counts() (detected, received, deliveries int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, ds := range g.received {
		deliveries += len(ds)
	}
	return len(g.detected), len(g.received), deliveries
}

func (g *ledger) lastHealth() (status.HealthMessage, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.health) == 0 {
		return status.HealthMessage{}, false
	}
	return g.health[len(g.health)-1], true
}

// check fails the test unless every detected alert arrived and every
// incident state arrived under one id only.
func (g *ledger) check(t *testing.T) {
	t.Helper()
	if m := g.missing(); len(m) > 0 {
		t.Errorf("%d detected alerts never reached the subscriber: %v", len(m), m)
	}
	g.check2(t)
}

// check2 fails the test if an incident state arrived under two ids, an id
// for two incidents, or a message did not decode.
func (g *ledger) check2(t *testing.T) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	for key, ids := range g.byInc {
		if len(ids) > 1 {
			t.Errorf("incident %s delivered under %d ids: %v", key, len(ids), ids)
		}
	}
	for id, ds := range g.received {
		for _, d := range ds[1:] {
			if d != ds[0] {
				t.Errorf("id %s delivered for different incidents: %v", id, ds)
			}
		}
	}
	if len(g.bad) > 0 {
		t.Errorf("undecodable messages: %v", g.bad)
	}
}

// child is one agent process.
type child struct {
	cmd  *exec.Cmd
	done chan error
	// status gets the status page's URL once the agent serves it (a
	// lane with http.address set).
	status chan string
}

// start runs the agent as a child process reading l's config (env adds
// to its environment); its "alert" log lines go into g.detected.
func start(t testing.TB, l *lane, g *ledger, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+l.path), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, done: make(chan error, 1), status: make(chan string, 1)}
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		g.scan(t, stderr, c.status)
	}()
	go func() {
		<-scanned
		c.done <- cmd.Wait()
	}()
	return c
}

// scan reads a child's JSON log; the status page's URL goes to status.
func (g *ledger) scan(t testing.TB, r io.Reader, status chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var line struct {
			Msg   string `json:"msg"`
			Level string `json:"level"`
			ID    string `json:"id"`
			Sev   string `json:"severity"`
			Error string `json:"error"`
			URL   string `json:"url"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue // a line torn by SIGKILL
		}
		switch {
		case line.Msg == "alert" && line.ID != "":
			g.mu.Lock()
			g.detected[line.ID] = line.Sev
			g.mu.Unlock()
		case line.Msg == "status page" && line.URL != "":
			select {
			case status <- line.URL:
			default:
			}
		case strings.HasPrefix(line.Msg, "alert shed"):
			g.mu.Lock()
			g.shedSelf++
			g.mu.Unlock()
		case line.Level == "ERROR" && testing.Verbose():
			t.Logf("child: %s", sc.Bytes())
		}
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *child) kill(t *testing.T) {
	t.Helper()
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

// stop sends SIGTERM and waits for a clean exit.
func (c *child) stop(t *testing.T) {
	t.Helper()
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		if err != nil {
			t.Errorf("agent exit: %v", err)
		}
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		t.Errorf("agent did not stop within 30s of SIGTERM")
	}
}

// alertAt is when checkout i of alertShift starts, from the shift's
// start. Checkouts come in threes every 3s: the under-charged sale, the
// sale without receipt once the first one's ZVT conversation (about
// 1.3s) is over, the cash receipt. (One a second overlapped two
// conversations on one terminal: the result of one sale was taken for the
// next request, so the receiptless sales raised partial_approval instead.)
func alertAt(i int) time.Duration {
	return 500*time.Millisecond + time.Duration(i/3)*3*time.Second + [3]time.Duration{0, 1450 * time.Millisecond, 2900 * time.Millisecond}[i%3]
}

// noReceiptAfter lists the traces of alertShift(n)'s sales that never get
// a receipt and start after from.
func noReceiptAfter(n int, from time.Duration) []string {
	var out []string
	for i := range n {
		if i%3 == 1 && alertAt(i) > from {
			out = append(out, fmt.Sprintf("%06d", 200+i))
		}
	}
	return out
}

// alertShift is a busy shift that raises an alert about every second: n
// checkouts, each an under-charge (amount_mismatch, critical), a card
// sale whose receipt never comes (payment_without_receipt, critical) or a
// cash receipt never cut (print_failed, warning).
func alertShift(n int) []sim.Action {
	acts := []sim.Action{{At: 0, EnableStatus: true}}
	items := []sim.Item{{Name: "GROCERIES", Amount: 12000}}
	for i := range n {
		at := alertAt(i)
		trace := fmt.Sprintf("%06d", 200+i)
		no := fmt.Sprintf("%04d", 1000+i)
		pan := fmt.Sprintf("622588EEEEEE%04d", 1000+i)
		switch i % 3 {
		case 0: // keyed 12.00 for 120.00
			acts = append(acts,
				sim.Action{At: at, Sale: &sim.CardSale{Requested: 1200, Currency: 156, Trace: trace, ReceiptNo: no, AuthCode: "A" + trace, PAN: pan, Terminal: "52523535"}},
				sim.Action{At: at + 1350*time.Millisecond, Print: &sim.Receipt{Number: no, Items: items, Tenders: []sim.Tender{{Kind: "card", Amount: 12000}}}})
		case 1: // no receipt at all
			acts = append(acts, sim.Action{At: at, Sale: &sim.CardSale{Requested: 4500, Currency: 156, Trace: trace, ReceiptNo: no, AuthCode: "A" + trace, PAN: pan, Terminal: "52523535"}})
		case 2: // a cash receipt never cut
			acts = append(acts, sim.Action{At: at, Print: &sim.Receipt{Number: no, Items: []sim.Item{{Name: "BREAD", Amount: 450}}, Tenders: []sim.Tender{{Kind: "cash", Amount: 500}}, NoCut: true}})
		}
	}
	return acts
}

// TestAlertShift replays alertShift offline with the chaos lane's windows:
// it gives exactly the alerts its doc promises, one per checkout, so the
// kill, outage and full-disk tests count what they think they count.
func TestAlertShift(t *testing.T) {
	const n = 12
	ws, err := sim.Compile(alertShift(n))
	if err != nil {
		t.Fatal(err)
	}
	h, err := sim.Header("s1", "l1", map[string]string{"match_window": "20s", "receipt_wait": "6s", "cut_timeout": "4s", "status_timeout": "2s"})
	if err != nil {
		t.Fatal(err)
	}
	h.Devices[sim.TerminalName] = sim.DeviceInfo("zvt", "CNY")
	as, err := scenarios.Replay(h, sim.Records(ws, sim.DefaultStart, nil))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	traces := map[string]bool{}
	for _, a := range as {
		got[a.Kind+" "+string(a.State)]++
		if a.Kind == detect.KindPaymentWithoutReceipt && a.Payment != nil {
			traces[a.Payment.Trace] = true
		}
	}
	want := map[string]int{"amount_mismatch raised": n / 3, "payment_without_receipt raised": n / 3, "print_failed raised": n / 3}
	if !maps.Equal(got, want) {
		t.Errorf("alerts %v, want %v", got, want)
	}
	for _, tr := range noReceiptAfter(n, 0) {
		if !traces[tr] {
			t.Errorf("no payment_without_receipt for trace %s", tr)
		}
	}
}
