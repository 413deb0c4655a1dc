package agent_test

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// Printer status bytes (ESCPOS.md section 2).
var (
	dleEOT1 = []byte{0x10, 0x04, 0x01} // transmit printer status
	online  = []byte{0x16}             // its answer: online, drawer pin low
)

// runPrinterAgent runs an agent with one printer on link l and an
// embedded broker; it returns the agent and the alert collector.
func runPrinterAgent(t *testing.T, l configs.Link) (*lanetest.Lane, *lanetest.Alerts) {
	t.Helper()
	b := lanetest.Broker(t, lanetest.Quiet())
	got := lanetest.Collect(t, b)
	cfg := configs.Default()
	cfg.DataDir = t.TempDir()
	cfg.MQTT.Broker = b.URL()
	cfg.Detect.StatusTimeout = 300 * time.Millisecond
	dev := configs.DefaultDevice("printer", configs.RolePrinter, "")
	dev.Link = l
	cfg.Devices = []configs.Device{dev}
	ln := lanetest.Start(t, cfg, agent.Options{Log: lanetest.Quiet(), Tick: 50 * time.Millisecond})
	ln.WaitReady(t, 30*time.Second)
	return ln, got
}

// waitBytes waits until the agent has decoded n bytes in all. On a tap
// the request and its answer come on two ports, read independently: the
// test answers only once the agent has read the request, as a printer
// answers only once it got it.
func waitBytes(t *testing.T, ln *lanetest.Lane, n int) {
	t.Helper()
	testutil.WaitFor(t, "the agent to read the bytes", 10*time.Second, func() bool { return ln.Stats().Bytes >= n })
}

// TestTapStatusNoReply: on a tap with the printer's TX line, a status
// request the printer leaves unanswered reaches the detector as a fault
// (printer_fault with no_reply), and the next answer resolves it.
func TestTapStatusNoReply(t *testing.T) {
	wires, err := sim.OpenWires()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wires.Close() })
	l := configs.DefaultLink(wires.Path(sim.PrinterHost))
	l.DevicePort = wires.Path(sim.PrinterDevice)
	ag, got := runPrinterAgent(t, l)
	host, dev := wires.Writer(sim.PrinterHost), wires.Writer(sim.PrinterDevice)

	write(t, host, dleEOT1) // answered: the printer is known online
	waitBytes(t, ag, 3)
	write(t, dev, online)
	waitBytes(t, ag, 4)
	write(t, host, dleEOT1) // never answered
	a := got.Wait(t, detect.KindPrinterFault, detect.Raised, 20*time.Second)
	if a.Printer == nil || !a.Printer.NoReply {
		t.Fatalf("printer_fault without no_reply: %+v", a.Printer)
	}
	write(t, host, dleEOT1)
	waitBytes(t, ag, 10)
	write(t, dev, online)
	got.Wait(t, detect.KindPrinterFault, detect.Resolved, 20*time.Second)
}

// TestTCPLinkStatusNoReply: the same through a TCP bridge to a network
// printer that never answers: a bridge observes the printer's line even
// without a device_port in the config.
func TestTCPLinkStatusNoReply(t *testing.T) {
	printer, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { printer.Close() })
	listen, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := listen.Addr().String()
	listen.Close() // the agent listens there (a free port, most likely still free)
	_, got := runPrinterAgent(t, configs.Link{Type: configs.TypeTCP, Mode: configs.ModeBridge, Listen: addr, Connect: printer.Addr().String()})

	var pos net.Conn
	testutil.WaitFor(t, "the agent listening", 10*time.Second, func() bool {
		pos, err = net.Dial("tcp", addr)
		return err == nil
	})
	t.Cleanup(func() { pos.Close() })
	write(t, pos, dleEOT1) // forwarded, never answered
	var dc net.Conn
	for dc == nil { // skip the agent's reachability probes
		c, err := printer.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		b := make([]byte, len(dleEOT1))
		if n, _ := io.ReadFull(c, b); n == len(b) {
			dc = c
		}
	}
	// The printer never answers: with no device_port in the config, the
	// bridge must still count as observing the printer's line.
	a := got.Wait(t, detect.KindPrinterFault, detect.Raised, 20*time.Second)
	if a.Printer == nil || !a.Printer.NoReply {
		t.Fatalf("printer_fault without no_reply: %+v", a.Printer)
	}
}

func write(t *testing.T, w io.Writer, b []byte) {
	t.Helper()
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
}
