package doctor

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/winspool"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
)

func TestChecks(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	b, err := mqttbroker.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	dir := t.TempDir()

	cfg := configs.Default()
	cfg.DataDir = filepath.Join(dir, "data")
	cfg.MQTT.Broker = b.URL()
	printer := configs.DefaultDevice("printer", configs.RolePrinter, slave.Name())
	printer.Link.DevicePort = filepath.Join(dir, "no-such-tty")
	cfg.Devices = []configs.Device{printer}

	got := map[string]Result{}
	for _, c := range Checks(cfg, nil) {
		r := c.Run(context.Background())
		if r.Name != c.Name {
			t.Errorf("result name %q for check %q", r.Name, c.Name)
		}
		got[strings.Fields(c.Name)[0]+" "+lastField(c.Name)] = r
		t.Logf("%-4s %s: %s %s", r.Status, r.Name, r.Detail, r.Hint)
	}
	want := []struct {
		key    string
		status Status
		detail string
	}{
		{"port " + slave.Name(), OK, "opens at 9600 baud"},
		{"port " + printer.Link.DevicePort, Fail, "no such port"},
		{"broker " + b.URL(), OK, "MQTT connect ok"},
		{"disk " + cfg.DataDir, OK, "MiB free"},
		{"journal " + cfg.DataDir, Warn, "no journal yet"},
	}
	for _, w := range want {
		r, ok := got[w.key]
		if !ok {
			t.Errorf("no check %q", w.key)
			continue
		}
		if r.Status != w.status || !strings.Contains(r.Detail, w.detail) {
			t.Errorf("%s: %s %q, want %s containing %q", w.key, r.Status, r.Detail, w.status, w.detail)
		}
		if r.Status != OK && r.Hint == "" && w.key != "journal "+cfg.DataDir {
			t.Errorf("%s: a problem without a hint", w.key)
		}
	}
	if _, ok := got["clock clock"]; !ok {
		t.Error("no clock check")
	}
}

func lastField(s string) string { f := strings.Fields(s); return f[len(f)-1] }

func TestBrokerDown(t *testing.T) {
	b, err := mqttbroker.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	url := b.URL()
	b.Close()
	cfg := configs.Default()
	cfg.MQTT.Broker = url
	r := checkBroker(context.Background(), cfg)
	if r.Status != Fail || !strings.Contains(r.Detail, "unreachable") || r.Hint == "" {
		t.Errorf("broker down: %+v", r)
	}
}

func TestJournalInUse(t *testing.T) {
	dir := t.TempDir()
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if r := checkJournal(dir, time.Now()); r.Status != OK || !strings.Contains(r.Detail, "running agent") {
		t.Errorf("locked journal: %+v", r)
	}
}

func TestJournalReadable(t *testing.T) {
	dir := t.TempDir()
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Queue("outbox").PutIfAbsent("a1", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if r := checkJournal(dir, time.Now()); r.Status != OK || !strings.Contains(r.Detail, "empty, 1 alerts waiting") {
		t.Errorf("journal: %+v", r)
	}
}

func TestWorst(t *testing.T) {
	if w := Worst([]Result{{Status: OK}, {Status: Warn}}); w != Warn {
		t.Errorf("Worst = %s", w)
	}
	if w := Worst([]Result{{Status: Fail}, {Status: Warn}}); w != Fail {
		t.Errorf("Worst = %s", w)
	}
}

func TestNetworkPorts(t *testing.T) {
	b, err := mqttbroker.Start("127.0.0.1:0", nil) // anything that accepts TCP
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	d := configs.Device{Name: "printer", Link: configs.Link{Type: configs.TypeTCP, Listen: "127.0.0.1:0", Connect: b.Addr()}}
	ps := devicePorts(d)
	if len(ps) != 2 {
		t.Fatalf("ports %+v", ps)
	}
	for _, p := range ps {
		if r := checkPort(d, p); r.Status != OK {
			t.Errorf("%s: %+v", p.path, r)
		}
	}
	taken := configs.Device{Name: "printer", Link: configs.Link{Type: configs.TypeTCP, Listen: b.Addr(), Connect: "127.0.0.1:1"}}
	for _, p := range devicePorts(taken) {
		r := checkPort(taken, p)
		want := map[string]Status{kindListen: Warn, kindDial: Fail}[p.kind]
		if r.Status != want || r.Hint == "" {
			t.Errorf("%s %s: %+v, want %s with a hint", p.kind, p.path, r, want)
		}
	}
	lp := configs.Device{Name: "printer", Link: configs.Link{Type: configs.TypeUSBLP, HostPort: "/run/tillwatch/printer", DevicePort: "/dev/usb/lp-none"}}
	ps = devicePorts(lp)
	if len(ps) != 1 || ps[0].kind != kindLP {
		t.Fatalf("usblp ports %+v: want only the device file", ps)
	}
	if r := checkPort(lp, ps[0]); r.Status != Fail {
		t.Errorf("missing lp device: %+v", r)
	}
}

// TestGadgetPorts: a usbgadget link's gadget is checked as a gadget (a pty
// stands in for /dev/g_printer0); a gadget never set up fails with the
// set-up step, and a printer that is not there fails.
func TestGadgetPorts(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	dir := t.TempDir()
	d := configs.Device{Name: "printer", Role: configs.RolePrinter, Link: configs.Link{
		Type: configs.TypeUSBGadget, Mode: configs.ModeBridge, HostPort: slave.Name(), DevicePort: filepath.Join(dir, "lp0"),
	}}
	ps := devicePorts(d)
	if len(ps) != 2 || ps[0].kind != kindGadget || ps[1].kind != kindLP {
		t.Fatalf("ports %+v, want the gadget and the printer", ps)
	}
	if r := checkPort(d, ps[0]); r.Status != OK || !strings.Contains(r.Detail, "printer gadget") {
		t.Errorf("gadget: %s %q", r.Status, r.Detail)
	}
	if r := checkPort(d, ps[1]); r.Status != Fail || r.Hint == "" {
		t.Errorf("missing printer: %s %q %q", r.Status, r.Detail, r.Hint)
	}
	d.Link.HostPort = filepath.Join(dir, "g_printer0")
	if r := checkPort(d, devicePorts(d)[0]); r.Status != Fail || !strings.Contains(r.Hint, "tillwatch-gadget up") {
		t.Errorf("no gadget: %s %q %q", r.Status, r.Detail, r.Hint)
	}
}

// A register PC's queues after `service install`: the register's queue
// prints to tillwatch, tillwatch's RAW queue is on the USB port.
var pcQueues = []winspool.Queue{
	{Name: "EPSON TM-T20II Receipt", Port: "tillwatch_127.0.0.1_9100", Driver: "EPSON TM-T20II Receipt5", DriverPath: `C:\x\UNIDRV.DLL`},
	{Name: "tillwatch raw", Port: "USB001", Driver: "Generic / Text Only"},
}

// TestQueueChecks: the spooler link's queue check, on queue lists as the
// spooler would give them (the spooler itself runs on Windows only).
func TestQueueChecks(t *testing.T) {
	list := func(qs []winspool.Queue, err error) queueLister {
		return func() ([]winspool.Queue, error) { return qs, err }
	}
	moved := []winspool.Queue{pcQueues[0], pcQueues[1]}
	moved[0].Port = "USB001"
	offline := []winspool.Queue{pcQueues[0], pcQueues[1]}
	offline[1].Status = 0x80 | 0x10
	for _, tc := range []struct {
		name   string
		list   queueLister
		queue  string
		status Status
		detail string
	}{
		{"in place", list(pcQueues, nil), "tillwatch raw", OK, `the register's queue "EPSON TM-T20II Receipt" prints to tillwatch`},
		{"case", list(pcQueues, nil), "Tillwatch RAW", OK, "on USB001"},
		{"missing", list(pcQueues, nil), "raw", Fail, "no such print queue"},
		{"not on USB", list(pcQueues, nil), "EPSON TM-T20II Receipt", Warn, "on tillwatch_127.0.0.1_9100"},
		{"register bypasses", list(moved, nil), "tillwatch raw", Warn, "on USB001"},
		{"printer offline", list(offline, nil), "tillwatch raw", Warn, "out of paper, offline"},
		{"linux", list(nil, winspool.ErrNotWindows), "tillwatch raw", Fail, "only on Windows"},
	} {
		r := checkQueue(Result{}, tc.queue, "0.0.0.0:9100", tc.list)
		if r.Status != tc.status || !strings.Contains(r.Detail, tc.detail) || (r.Status != OK) != (r.Hint != "") {
			t.Errorf("%s: %s %q hint %q, want %s containing %q", tc.name, r.Status, r.Detail, r.Hint, tc.status, tc.detail)
		}
	}
}

// TestListQueues: every queue with port, driver and what it sends.
func TestListQueues(t *testing.T) {
	r := listQueues(func() ([]winspool.Queue, error) { return pcQueues, nil })
	for _, want := range []string{"2\n", `"EPSON TM-T20II Receipt" on tillwatch_127.0.0.1_9100, driver "EPSON TM-T20II Receipt5" (ready): sends images`, `"tillwatch raw" on USB001, driver "Generic / Text Only" (ready): sends text`} {
		if r.Status != OK || !strings.Contains(r.Detail, want) {
			t.Errorf("listing %s %q lacks %q", r.Status, r.Detail, want)
		}
	}
	if r := listQueues(func() ([]winspool.Queue, error) { return nil, nil }); r.Status != Warn || r.Hint == "" {
		t.Errorf("no queues: %+v", r)
	}
}
