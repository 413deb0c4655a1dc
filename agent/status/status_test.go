package status_test

import (
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/status"
	"github.com/tillwatch/tillwatch/internal/golden"
	"github.com/tillwatch/tillwatch/internal/headless"
)

var screenshot = flag.String("screenshot", "", "also save the browser test's screenshot to this PNG file")

// fake is a Source with a fixed state.
type fake struct {
	snap status.Snapshot
	err  error
}

func (f *fake) Snapshot() status.Snapshot { return f.snap }
func (f *fake) Health() error             { return f.err }

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// lane is a lane a few minutes into a shift: printer up, terminal down, two
// alerts, one payment still waiting for its receipt.
func lane() *fake {
	now := at("2026-11-22T10:20:00Z")
	return &fake{snap: status.Snapshot{
		Site: "store-042", Lane: "lane-3", Version: "v1.2.3", Now: now,
		Started: at("2026-11-22T08:00:00Z"), Heartbeat: now.Add(-200 * time.Millisecond),
		Counters:     status.Counters{Chunks: 1200, Bytes: 56789, Events: 88, Alerts: 2},
		AlertsByKind: map[string]int{"amount_mismatch": 1, "payment_without_receipt": 1, "print_failed": 0},
		OutboxDepth:  1,
		Uplink:       status.Uplink{Broker: "ssl://mqtt.example.net:8883", Connected: true, Connects: 2},
		Devices: []status.Device{
			{Name: "printer", Role: "printer", Protocol: "escpos", Port: "/dev/ttyUSB0", Up: true, Seen: true, Since: at("2026-11-22T08:00:01Z"), LastData: at("2026-11-22T10:19:58Z"), Bytes: 50000},
			{Name: "terminal", Role: "terminal", Protocol: "zvt", Port: "/dev/ttyUSB2 + /dev/ttyUSB3", Seen: true, Since: at("2026-11-22T10:15:00Z"), Reason: "device vanished", LastData: at("2026-11-22T10:14:59Z"), Bytes: 6789},
		},
		Receipts: []status.Receipt{{Time: at("2026-11-22T10:18:00Z"), Device: "printer", Number: "000124", Total: "CNY 100.00", Tenders: "card 10.00", Cut: true, Ended: "cut", Lines: 14, Currency: "CNY"}},
		Payments: []status.Payment{{Time: at("2026-11-22T10:17:50Z"), Device: "terminal", Type: "sale", Result: "approved", Amount: "CNY 10.00", Card: "476173******0010", Trace: "000123"}},
		Windows:  []status.Window{{What: "receipt for card sale CNY 25.00 (trace 000125)", Opened: at("2026-11-22T10:19:30Z"), Deadline: at("2026-11-22T10:21:00Z")}},
		Alerts: []status.Alert{
			{ID: "a2", Kind: "payment_without_receipt", Severity: "critical", State: "raised", Time: at("2026-11-22T10:10:00Z"), Detected: at("2026-11-22T10:11:30Z"), Summary: "Card payment CNY 36.50 approved at 10:10:00 but no receipt printed <paper end>"},
			{ID: "a1", Kind: "amount_mismatch", Severity: "critical", State: "raised", Time: at("2026-11-22T10:18:00Z"), Detected: at("2026-11-22T10:18:00Z"), Summary: "Under-charged: receipt 000124 due CNY 100.00, terminal charged CNY 10.00 (少刷 CNY -90.00)"},
		},
	}}
}

func get(t *testing.T, h http.Handler, path string) (int, string, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Header().Get("Content-Type"), rec.Body.String()
}

// onlyLane keeps the tillwatch_ lines of a metrics page: the Go runtime
// and process metrics change from run to run.
func onlyLane(page string) string {
	var b strings.Builder
	for l := range strings.Lines(page) {
		if strings.Contains(l, "tillwatch_") {
			b.WriteString(l)
		}
	}
	return b.String()
}

func TestEndpoints(t *testing.T) {
	sick := lane()
	sick.err = errors.New("agent: core loop stalled: last round 12s ago")
	cases := []struct {
		name, path string
		src        *fake
		code       int
		ctype      string
		filter     func(string) string
	}{
		{"healthz_ok.golden", "/healthz", lane(), 200, "application/json", nil},
		{"healthz_stalled.golden", "/healthz", sick, 503, "application/json", nil},
		{"metrics.golden", "/metrics", lane(), 200, "text/plain", onlyLane},
		{"metrics_stalled.golden", "/metrics", sick, 200, "text/plain", onlyLane},
		{"page.golden.html", "/", lane(), 200, "text/html; charset=utf-8", nil},
		{"page_stalled.golden.html", "/", sick, 200, "text/html; charset=utf-8", nil},
		{"status.golden.json", "/status.json", lane(), 200, "application/json", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := status.New(c.src, status.Options{Location: time.UTC}).Handler()
			code, ctype, body := get(t, h, c.path)
			if code != c.code || !strings.HasPrefix(ctype, c.ctype) {
				t.Errorf("GET %s: %d %q, want %d %q", c.path, code, ctype, c.code, c.ctype)
			}
			if c.filter != nil {
				body = c.filter(body)
			}
			golden.CheckString(t, filepath.Join("testdata", c.name), body)
		})
	}
}

func TestUnknownPathIs404(t *testing.T) {
	h := status.New(lane(), status.Options{}).Handler()
	for _, p := range []string{"/nope", "/healthz/x"} {
		if code, _, _ := get(t, h, p); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, code)
		}
	}
}

// TestPageEscapes: device text reaches the page only escaped.
func TestPageEscapes(t *testing.T) {
	src := lane()
	src.snap.Alerts[0].Summary = `<script>alert(1)</script>`
	_, _, body := get(t, status.New(src, status.Options{}).Handler(), "/")
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Error("alert summary not escaped")
	}
}

func TestServeStopsWithContext(t *testing.T) {
	ln, err := status.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := status.Listen(ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "http.address") {
		t.Errorf("second listener on a busy port: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- status.New(lane(), status.Options{}).Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"status": "ok"`) {
		t.Errorf("healthz: %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

// TestPageInBrowser renders the page in headless chromium: the DOM after
// load shows every device and the alerts, and a screenshot is taken (see
// -screenshot to keep it).
func TestPageInBrowser(t *testing.T) {
	b, err := headless.Find()
	if err != nil {
		t.Skipf("SKIP browser test: %v", err)
	}
	srv := httptest.NewServer(status.New(lane(), status.Options{Location: time.UTC, Refresh: time.Hour}).Handler())
	defer srv.Close()
	ctx := context.Background()
	dom, err := b.DumpDOM(ctx, srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"printer", "terminal", "device vanished", "Under-charged: receipt 000124", "payment_without_receipt", "&lt;paper end&gt;", "000125", "476173******0010"} {
		if !strings.Contains(dom, want) {
			t.Errorf("page in the browser lacks %q", want)
		}
	}
	png := filepath.Join(t.TempDir(), "page.png")
	if *screenshot != "" {
		png = *screenshot
	}
	if err := b.Screenshot(ctx, srv.URL+"/", png, 1280, 1000); err != nil {
		t.Fatal(err)
	}
}
