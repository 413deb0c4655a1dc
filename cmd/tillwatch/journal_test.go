//go:build !windows

package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/sim"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// laneConfig writes a one-printer config; mode is bridge or tap.
func laneConfig(t *testing.T, dir, httpAddr, mode, hostPort, devPort string) string {
	t.Helper()
	path := filepath.Join(dir, "lane.yaml")
	y := fmt.Sprintf(`site: shop
lane: lane-1
data_dir: %s
mqtt:
  broker: tcp://%s
http:
  address: %s
devices:
  - name: printer
    role: printer
    chinese_default: true
    receipt_profile: cn-supermarket
    currency: CNY
    link:
      mode: %s
      host_port: %s
      device_port: %s
`, filepath.Join(dir, "data"), testutil.FreeAddr(t), httpAddr, mode, hostPort, devPort)
	if err := os.WriteFile(path, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runningLane is an agent on a one-printer lane over ptys, with its local
// API on a free loopback address, running until the test ends.
type runningLane struct {
	*lanetest.Lane
	cfg   *configs.Config
	path  string // the config file
	addr  string // the local API
	wires *sim.Wires
}

// startLane writes a one-printer config (mode bridge or tap, laneConfig)
// and runs its agent until it is ready.
func startLane(t *testing.T, mode string) *runningLane {
	t.Helper()
	wires := lanetest.Wires(t)
	addr := testutil.FreeAddr(t)
	path := laneConfig(t, t.TempDir(), addr, mode, wires.Path(sim.PrinterHost), wires.Path(sim.PrinterDevice))
	cfg, err := configs.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	l := lanetest.Start(t, cfg, agent.Options{Log: lanetest.Quiet(), Tick: 50 * time.Millisecond})
	l.WaitReady(t, 30*time.Second)
	return &runningLane{Lane: l, cfg: cfg, path: path, addr: addr, wires: wires}
}

// TestJournalOffline: without a running agent the verbs open the journal
// themselves; reprint says it needs the agent.
func TestJournalOffline(t *testing.T) {
	dir := t.TempDir()
	cfgPath := laneConfig(t, dir, testutil.FreeAddr(t), "bridge", "/dev/ttyS98", "/dev/ttyS99")
	db, err := buffer.Open(filepath.Join(dir, "data"), buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.Local)
	total := int64(6800)
	ids, err := journal.New(db).Append(
		&drivers.Payment{Head: drivers.Head{Time: at, Device: "terminal"}, Type: drivers.PaySale, Result: drivers.Approved,
			Amount: 6800, Currency: "CNY", Trace: "000101", AuthCode: "A12345", Card: drivers.MaskPAN("6222021234564771")},
		&drivers.Receipt{Head: drivers.Head{Time: at.Add(5 * time.Second), Device: "printer"}, Lines: []drivers.Line{{Text: "天天超市"}, {Text: "合计 68.00"}},
			Cut: true, Ended: "cut", Number: "0007", Total: &total, Due: &total, Currency: "CNY",
			Tenders: []drivers.Tender{{Kind: drivers.TenderCard, Amount: 6800}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, errs := runCLI(t, "journal", "search", "-c", cfgPath, "--amount", "68.00", "--date", "2026-11-22", "--last4", "4771")
	if code != 0 || !strings.Contains(out, "622202******4771") || !strings.Contains(out, ids[0]) || strings.Contains(out, ids[1]) ||
		!strings.Contains(errs, "no agent running") {
		t.Fatalf("search: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "journal", "search", "-c", cfgPath, "--receipt", "0007", "--json")
	if code != 0 || !strings.Contains(out, `"number":"0007"`) || strings.Count(out, "\n") != 1 {
		t.Fatalf("search --json: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "journal", "show", "-c", cfgPath, ids[1])
	if code != 0 || !strings.Contains(out, "天天超市\n合计 68.00\n--- cut ---") {
		t.Fatalf("show: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "journal", "summary", "-c", cfgPath, "--date", "2026-11-22")
	if code != 0 || !strings.Contains(out, "card sales           1  CNY 68.00") {
		t.Fatalf("summary: %d\n%s\n%s", code, out, errs)
	}
	code, _, errs = runCLI(t, "journal", "reprint", "-c", cfgPath, ids[1])
	if code != 1 || !strings.Contains(errs, "needs the running agent") {
		t.Fatalf("reprint without agent: %d %s", code, errs)
	}
	code, _, errs = runCLI(t, "journal", "search", "-c", cfgPath, "--amount", "6.8.0")
	if code != 2 {
		t.Fatalf("bad amount: %d %s", code, errs)
	}
}

// TestJournalWhileAgentRuns: the agent bridges a GBK printer on ptys;
// the CLI finds the receipt through the agent's API (Badger is locked),
// reprints it, the printer gets the copy under 副本, and the agent journals
// the copy as a reprint without any alert.
func TestJournalWhileAgentRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the agent on ptys")
	}
	ag := startLane(t, "bridge")
	wires, cfgPath := ag.wires, ag.path
	// The printer: whatever the agent forwards or injects.
	var mu sync.Mutex
	var printed []byte
	go func() {
		buf := make([]byte, 4096)
		r := wires.Reader(sim.PrinterDevice)
		for {
			n, err := r.Read(buf)
			mu.Lock()
			printed = append(printed, buf[:n]...)
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	job, err := sim.Receipt{Number: "0042", Chinese: true, Items: []sim.Item{{Name: "苹果", Amount: 1250}}, Tenders: []sim.Tender{{Kind: "cash", Amount: 2000}}}.ESCPOS()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wires.Writer(sim.PrinterHost).Write(job); err != nil {
		t.Fatal(err)
	}
	idRe := regexp.MustCompile(`[0-9a-f]{32}`)
	var out, errs string
	testutil.WaitFor(t, "the receipt in the journal", 20*time.Second, func() bool {
		var code int
		code, out, errs = runCLI(t, "journal", "search", "-c", cfgPath, "--receipt", "0042")
		return code == 0 && idRe.MatchString(out)
	})
	if !strings.Contains(errs, "from the running agent") {
		t.Fatalf("search did not go through the agent: %s", errs)
	}
	id := idRe.FindString(out)
	code, out, errs := runCLI(t, "journal", "show", "-c", cfgPath, id)
	if code != 0 || !strings.Contains(out, "天天超市") {
		t.Fatalf("show: %d %s %s", code, out, errs)
	}
	code, out, errs = runCLI(t, "journal", "reprint", "-c", cfgPath, id)
	if code != 0 || !strings.Contains(out, "reprinted "+id) {
		t.Fatalf("reprint: %d %s %s", code, out, errs)
	}
	marker, _ := simplifiedchinese.GBK.NewEncoder().String("COPY / 副本")
	shop, _ := simplifiedchinese.GBK.NewEncoder().String("天天超市")
	testutil.WaitFor(t, "the copy at the printer", 20*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		i := bytes.Index(printed, []byte(marker))
		return i > len(job) && bytes.Contains(printed[i:], []byte(shop)) && bytes.HasSuffix(printed, []byte{0x1D, 0x56, 0x01})
	})
	testutil.WaitFor(t, "the copy in the journal", 20*time.Second, func() bool {
		code, out, _ = runCLI(t, "journal", "search", "-c", cfgPath, "--receipt", "0042", "--json")
		return code == 0 && strings.Count(out, "\n") == 2 && strings.Contains(out, `"reprint":true`)
	})
	code, out, errs = runCLI(t, "journal", "summary", "-c", cfgPath, "--date", time.Now().Format(time.DateOnly), "--publish")
	if code != 0 || !strings.Contains(out, "(day not over)") || !strings.Contains(out, "copies left out: 1") || !strings.Contains(out, "queued for MQTT") {
		t.Fatalf("summary --publish: %d %s %s", code, out, errs)
	}
	if st := ag.Stats(); st.Alerts != 0 {
		t.Fatalf("%d alerts; a cash receipt and its copy raise none", st.Alerts)
	}
}

// TestJournalReprintOnTap: a tap cannot write: 409 with the reason.
func TestJournalReprintOnTap(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the agent on ptys")
	}
	l := startLane(t, "tap")
	wires, cfgPath := l.wires, l.path
	job, _ := sim.Receipt{Number: "0043", Chinese: true, Items: []sim.Item{{Name: "苹果", Amount: 1250}}, Tenders: []sim.Tender{{Kind: "cash", Amount: 1250}}}.ESCPOS()
	if _, err := wires.Writer(sim.PrinterHost).Write(job); err != nil {
		t.Fatal(err)
	}
	idRe := regexp.MustCompile(`[0-9a-f]{32}`)
	var out string
	testutil.WaitFor(t, "the receipt in the journal", 20*time.Second, func() bool {
		_, out, _ = runCLI(t, "journal", "search", "-c", cfgPath, "--receipt", "0043")
		return idRe.MatchString(out)
	})
	code, _, errs := runCLI(t, "journal", "reprint", "-c", cfgPath, idRe.FindString(out))
	if code != 1 || !strings.Contains(errs, "409") || !strings.Contains(errs, "read-only Y-cable") {
		t.Fatalf("reprint on a tap: %d %s", code, errs)
	}
}

// TestLocalAPIRefusesWebPages: a running agent's local API answers the CLI
// and refuses what a web page in the register PC's browser could send: a
// DNS-rebound Host (journal search and /status.json), a cross-site POST,
// and a POST without the token from data_dir (which the CLI sends).
func TestLocalAPIRefusesWebPages(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the agent on ptys")
	}
	l := startLane(t, "tap")
	cfg, cfgPath, addr := l.cfg, l.path, l.addr

	tok, err := os.ReadFile(filepath.Join(cfg.DataDir, "api-token"))
	if err != nil {
		t.Fatalf("the agent keeps no API token in its data_dir: %v", err)
	}
	if fi, _ := os.Stat(filepath.Join(cfg.DataDir, "api-token")); fi.Mode().Perm() != 0o600 {
		t.Errorf("api-token mode %v, want 0600", fi.Mode().Perm())
	}
	day := url.Values{"date": {"2026-11-22"}}.Encode()
	do := func(method, path, host string, hdr map[string]string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, "http://"+addr+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	rebind := map[string]string{"Origin": "http://rebind.attacker.example:" + strings.Split(addr, ":")[1]}
	for _, tc := range []struct {
		name, method, path, host string
		hdr                      map[string]string
		want                     int
	}{
		{"search, rebound", "GET", "/api/journal/search?" + day, "rebind.attacker.example", rebind, 403},
		{"status.json, rebound", "GET", "/status.json", "rebind.attacker.example", rebind, 403},
		{"status page, rebound", "GET", "/", "rebind.attacker.example", nil, 403},
		{"search, cross-site fetch", "GET", "/api/journal/search?" + day, addr,
			map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, 403},
		{"publish, cross-site form", "POST", "/api/settlement?" + day, addr,
			map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
				"Authorization": "Bearer " + strings.TrimSpace(string(tok))}, 403},
		{"publish, no token", "POST", "/api/settlement?" + day, addr, nil, 401},
		{"reprint, no token", "POST", "/api/journal/0123456789abcdef0123456789abcdef/reprint", addr, nil, 401},
		{"publish with the token", "POST", "/api/settlement?" + day, addr,
			map[string]string{"Authorization": "Bearer " + strings.TrimSpace(string(tok))}, 200},
		{"search, loopback", "GET", "/api/journal/search?" + day, addr, nil, 200},
		{"healthz by name", "GET", "/healthz", "localhost", nil, 200},
	} {
		if code, body := do(tc.method, tc.path, tc.host, tc.hdr); code != tc.want {
			t.Errorf("%s: %s %s Host %s: %d %s, want %d", tc.name, tc.method, tc.path, tc.host, code, body, tc.want)
		}
	}
	// The CLI reads the token and keeps working.
	code, out, errs := runCLI(t, "journal", "summary", "-c", cfgPath, "--date", "2026-11-22", "--publish")
	if code != 0 || !strings.Contains(out, "queued for MQTT") {
		t.Fatalf("summary --publish: %d %s %s", code, out, errs)
	}
	code, _, errs = runCLI(t, "journal", "search", "-c", cfgPath, "--date", "2026-11-22")
	if code != 0 || !strings.Contains(errs, "from the running agent") {
		t.Fatalf("search: %d %s", code, errs)
	}
}
