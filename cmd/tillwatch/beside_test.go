//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// besideLane writes a lane config (a printer and a ZVT terminal on
// two-line taps over ptys) and runs its agent; it returns the config's
// path, the agent and the wires.
func besideLane(t *testing.T, httpAddr string) (string, *agent.Agent, *sim.Wires) {
	t.Helper()
	b := lanetest.Broker(t, lanetest.Quiet())
	wires := lanetest.Wires(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "lane.yaml")
	y := fmt.Sprintf(`site: shop
lane: lane-1
data_dir: %s
mqtt:
  broker: %s
http:
  address: %q
devices:
  - name: printer
    role: printer
    currency: EUR
    link: {mode: tap, host_port: %s, device_port: %s, baud: 19200}
  - name: terminal
    role: terminal
    protocol: zvt
    framing: serial
    currency: EUR
    link: {mode: tap, host_port: %s, device_port: %s, baud: 9600, stop_bits: 2}
`, filepath.Join(dir, "data"), b.URL(), httpAddr, wires.Path(sim.PrinterHost), wires.Path(sim.PrinterDevice),
		wires.Path(sim.TerminalHost), wires.Path(sim.TerminalDevice))
	if err := os.WriteFile(path, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	l := lanetest.Start(t, cfg, agent.Options{Log: lanetest.Quiet(), Tick: 50 * time.Millisecond})
	l.WaitReady(t, 30*time.Second)
	return path, l.Agent, wires
}

// exclusive says whether the tty at path is in exclusive mode (TIOCEXCL),
// as the agent's serial ports are.
func exclusive(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return true // EBUSY for anyone but root: exclusive
	}
	defer f.Close()
	v, err := unix.IoctlGetInt(int(f.Fd()), unix.TIOCGEXCL)
	if err != nil {
		t.Fatalf("TIOCGEXCL %s: %v", path, err)
	}
	return v != 0
}

// TestTechnicianVerbsBesideAgent: with the agent running on the lane's
// ptys, `monitor` and `capture` read the lane through the agent's local
// API and `doctor` does not open the ports: the agent still gets the card
// payment played meanwhile (a capture that opened the terminal's port
// took it, and the agent raised a false receipt_without_payment), its
// ports keep their exclusive mode (a root capture cleared it on close),
// and the capture and the monitor have the sale.
func TestTechnicianVerbsBesideAgent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the agent on ptys")
	}
	cfgPath, ag, wires := besideLane(t, testutil.FreeAddr(t))
	for _, w := range []sim.Wire{sim.PrinterHost, sim.TerminalHost, sim.TerminalDevice} {
		if !exclusive(t, wires.Path(w)) {
			t.Fatalf("the agent's port %s is not exclusive to begin with", wires.Path(w))
		}
	}
	out := filepath.Join(t.TempDir(), "lane.capture.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var capErr, monOut, monErr testutil.Buffer
	verbs := make(chan int, 2)
	go func() {
		verbs <- run(ctx, []string{"capture", "-c", cfgPath, "-o", out}, strings.NewReader(""), io.Discard, &capErr)
	}()
	go func() {
		verbs <- run(ctx, []string{"monitor", "-c", cfgPath}, strings.NewReader(""), &monOut, &monErr)
	}()
	testutil.WaitFor(t, "capture and monitor watching through the agent", 20*time.Second, func() bool { return ag.Watchers() == 2 })

	writes, err := sim.Compile([]sim.Action{
		{At: 0, Sale: &sim.CardSale{Requested: 2040, Trace: "000470", ReceiptNo: "0470", AuthCode: "611804", PAN: "541333EEEEEE4771", Terminal: "52523535"}},
		{At: 1500 * time.Millisecond, Print: &sim.Receipt{Number: "0470", Items: []sim.Item{{Name: "COFFEE", Amount: 2040}}, Tenders: []sim.Tender{{Kind: "card", Amount: 2040}}, Currency: "EUR"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := (&sim.Player{Out: wires.Writer}).Play(ctx, writes); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, "the sale in the monitor", 20*time.Second, func() bool {
		return strings.Contains(monOut.String(), "PAYMENT sale APPROVED EUR 20.40") && strings.Contains(monOut.String(), "RECEIPT")
	})
	code, doc, _ := runCLI(t, "doctor", "-c", cfgPath)
	cancel()
	for range 2 {
		if c := <-verbs; c != 0 {
			t.Errorf("a verb exited %d\ncapture: %s\nmonitor: %s", c, capErr.String(), monErr.String())
		}
	}
	if !strings.Contains(monErr.String(), "goes through it") || !strings.Contains(capErr.String(), "goes through it") {
		t.Errorf("the verbs did not say they went through the agent:\n%s\n%s", monErr.String(), capErr.String())
	}
	if strings.Contains(doc, "opens at") || strings.Count(doc, "held by the agent") != 4 || !strings.Contains(doc, "the agent's link is up") {
		t.Errorf("doctor beside the agent (exit %d):\n%s", code, doc)
	}

	// The agent kept every byte: the payment and its receipt, no alert.
	testutil.WaitFor(t, "the agent's payment", 20*time.Second, func() bool {
		_, o, _ := runCLI(t, "journal", "search", "-c", cfgPath, "--amount", "20.40", "--json")
		return strings.Contains(o, `"type":"payment"`) && strings.Contains(o, `"type":"receipt"`)
	})
	if st := ag.Stats(); st.Alerts != 0 {
		t.Errorf("%d alerts: the agent lost part of the sale", st.Alerts)
	}
	for _, w := range []sim.Wire{sim.PrinterHost, sim.TerminalHost, sim.TerminalDevice} {
		if !exclusive(t, wires.Path(w)) {
			t.Errorf("the agent's port %s lost its exclusive mode", wires.Path(w))
		}
	}
	// The capture has the sale and replays to it.
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := capture.NewReader(f)
	if h, err := rd.Header(); err != nil || h == nil || h.Devices["terminal"].Protocol != "zvt" {
		t.Fatalf("capture header %+v %v", h, err)
	}
	var term int
	for {
		rec, err := rd.Next()
		if err != nil {
			break
		}
		if rec.Dev == "terminal" {
			term += len(rec.Data)
		}
	}
	if term < 40 {
		t.Errorf("the capture has %d terminal bytes, want the sale", term)
	}
	if code, o, e := runCLI(t, "replay", out); code != 0 || strings.Contains(o, "receipt_without_payment") || strings.Contains(o, "payment_without_receipt") {
		t.Errorf("replay of the capture: exit %d\n%s%s", code, o, e)
	}
}

// TestTechnicianVerbsRefuse: an agent holding the lane (its LOCK names a
// live process) whose API does not answer: monitor and capture refuse with
// the reason and what to do, and open nothing.
func TestTechnicianVerbsRefuse(t *testing.T) {
	dir := t.TempDir()
	cfgPath := laneConfig(t, dir, "", "tap", "/dev/ttyS98", "/dev/ttyS99")
	holder := exec.Command("sleep", "60")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = holder.Process.Kill(); _ = holder.Wait() }()
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "LOCK"), []byte(strconv.Itoa(holder.Process.Pid)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"monitor", "-c", cfgPath},
		{"capture", "-c", cfgPath, "-o", filepath.Join(dir, "x.jsonl"), "--duration", "1s"},
	} {
		code, _, errOut := runCLI(t, args...)
		want := fmt.Sprintf("%s: the agent (pid %d) is running and holds the lane's ports", args[0], holder.Process.Pid)
		if code != 1 || !strings.Contains(errOut, want) || !strings.Contains(errOut, "http.address") {
			t.Errorf("%s: exit %d\n%s", args[0], code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.jsonl")); err == nil {
		t.Error("capture created its file anyway")
	}
	code, doc, _ := runCLI(t, "doctor", "-c", cfgPath)
	if strings.Count(doc, "held by the agent (pid") != 2 || strings.Contains(doc, "no such port") {
		t.Errorf("doctor beside an agent: exit %d\n%s", code, doc)
	}
}
