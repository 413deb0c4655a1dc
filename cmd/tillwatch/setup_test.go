//go:build linux

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/sim"
)

// rawPTY is a pseudo-terminal in raw mode standing in for a serial line:
// the test plays the register (or the terminal) on the master, setup opens
// the slave's path as a serial port.
func rawPTY(t *testing.T) (master *os.File, path string) {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	tio, err := unix.IoctlGetTermios(int(s.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	tio.Oflag &^= unix.OPOST
	tio.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	tio.Cflag = tio.Cflag&^(unix.CSIZE|unix.PARENB) | unix.CS8
	if err := unix.IoctlSetTermios(int(s.Fd()), unix.TCSETS, tio); err != nil {
		t.Fatal(err)
	}
	return m, s.Name()
}

// simLane is a simulated lane on ptys: the register's printer line and the
// terminal's two lines (register -> terminal, terminal -> register).
type simLane struct {
	printer, termHost, termDev             *os.File
	printerPath, termHostPath, termDevPath string
}

func newLane(t *testing.T) *simLane {
	l := &simLane{}
	l.printer, l.printerPath = rawPTY(t)
	l.termHost, l.termHostPath = rawPTY(t)
	l.termDev, l.termDevPath = rawPTY(t)
	return l
}

// play sends receipt to the printer line and runs a ZVT card sale on the
// terminal lines, again and again as a shop would while setup listens,
// until the returned stop is called.
func (l *simLane) play(t *testing.T, receipt []byte) (stop func()) {
	t.Helper()
	ws, err := sim.Compile([]sim.Action{{Sale: &sim.CardSale{Requested: 1250, Trace: "000101", ReceiptNo: "0007", AuthCode: "123456", PAN: "4111EEEEEEEE1111", Terminal: "29001234"}}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(50 * time.Millisecond) // the shop's pace, not a wait for a result
		defer tick.Stop()
		for {
			_, _ = l.printer.Write(receipt)
			for _, w := range ws {
				f := l.termHost
				if w.Wire == sim.TerminalDevice {
					f = l.termDev
				}
				_, _ = f.Write(w.Data)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return sync.OnceFunc(func() { close(done); wg.Wait() })
}

func simReceipt(t *testing.T, r sim.Receipt) []byte {
	t.Helper()
	b, err := r.ESCPOS()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSetupSniffs: setup with flags on a lane whose printer powers up in
// Chinese mode and whose terminal speaks ZVT: it listens until it has a
// receipt and a payment, writes a config that loads with those settings,
// and doctor passes on it (ports, an embedded broker, disk).
func TestSetupSniffs(t *testing.T) {
	b, err := mqttbroker.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	l := newLane(t)
	raw := bytes.ReplaceAll(simReceipt(t, sim.Receipt{Number: "0043", Chinese: true, Currency: "CNY",
		Items: []sim.Item{{Name: "苹果", Amount: 1200}}, Tenders: []sim.Tender{{Kind: "card", Amount: 1200}}}), []byte{0x1c, 0x26}, nil)
	stop := l.play(t, raw)
	defer stop()

	dir := t.TempDir()
	out := filepath.Join(dir, "lane.yaml")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"setup", "-o", out,
		"--printer", l.printerPath, "--terminal", l.termHostPath, "--terminal-device", l.termDevPath,
		"--site", "store-9", "--lane", "lane-2", "--broker", b.URL(), "--data-dir", filepath.Join(dir, "data"),
		"--currency", "CNY", "--sniff", "1m"}, strings.NewReader(""), &stdout, &stderr)
	stop()
	if code != exitOK {
		t.Fatalf("setup exited %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	t.Log(stdout.String())
	cfg, err := configs.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	pr, term := cfg.Devices[0], cfg.Devices[1]
	if pr.Link.HostPort != l.printerPath || !pr.ChineseDefault || pr.Printer == "" || pr.ReceiptProfile == "" {
		t.Errorf("printer %+v", pr)
	}
	if term.Protocol != "zvt" || term.Link.HostPort != l.termHostPath || term.Link.DevicePort != l.termDevPath {
		t.Errorf("terminal %+v", term)
	}
	for _, want := range []string{"printer: ", "receipts: printer", "terminal: ", "payments read as zvt", "wrote " + out, "no problems found"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	text, _ := os.ReadFile(out)
	if !strings.Contains(string(text), "# What setup found:") || !strings.Contains(string(text), "chinese_default: true") {
		t.Errorf("config:\n%s", text)
	}
}

// TestSetupAsks: without flags setup asks on standard input (a port by
// path, a menu number would do too); at the end of input it names what is
// missing and exits 2.
func TestSetupAsks(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "lane.yaml")
	var stdout, stderr bytes.Buffer
	answers := "/dev/ttyUSB7\nnone\nstore-1\n\ntcp://broker.example:1883\n"
	code := run(context.Background(), []string{"setup", "-o", out, "--sniff", "0", "--no-doctor", "--data-dir", dir},
		strings.NewReader(answers), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("setup exited %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	cfg, err := configs.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Site != "store-1" || cfg.Lane != "lane-1" || len(cfg.Devices) != 1 || cfg.Devices[0].Link.HostPort != "/dev/ttyUSB7" || cfg.Devices[0].Printer != "epson" {
		t.Errorf("config %+v", cfg)
	}

	stdout.Reset()
	code = run(context.Background(), []string{"setup", "-o", filepath.Join(dir, "other.yaml"), "--sniff", "0", "--printer", "/dev/ttyUSB7", "--terminal", "none"},
		strings.NewReader(""), &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "store name (site): no answer") {
		t.Errorf("no answers: exit %d, %s", code, stderr.String())
	}
}

// TestSetupKeepsConfig: a config with content is not overwritten without
// --force; the package's comments-only file is.
func TestSetupKeepsConfig(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "tillwatch.yaml")
	args := []string{"setup", "-o", out, "--sniff", "0", "--no-doctor", "--printer", "/dev/ttyUSB0", "--terminal", "none",
		"--site", "s", "--lane", "l", "--broker", "tcp://127.0.0.1:1883", "--data-dir", dir}
	shipped, err := os.ReadFile("../../packaging/deb/tillwatch.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, shipped, 0o640); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("over the shipped file: exit %d %s", code, stderr.String())
	}
	stderr.Reset()
	if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "--force") {
		t.Fatalf("over a config: exit %d %s", code, stderr.String())
	}
	if code := run(context.Background(), append(args, "--force"), strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("--force: exit %d", code)
	}
}
