package winspool

import (
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/internal/golden"
)

// A register PC as the spooler lists it: the receipt printer's queue on
// USB001 with Epson's graphics driver, a text-only queue and an office
// printer.
var lane = []Queue{
	{Name: "EPSON TM-T20II Receipt", Port: "USB001", Driver: "EPSON TM-T20II Receipt5", Datatype: "RAW",
		DriverPath: `C:\Windows\system32\spool\DRIVERS\x64\3\UNIDRV.DLL`, DataFile: `C:\Windows\system32\spool\DRIVERS\x64\3\EPT20II.GPD`},
	{Name: "Kitchen", Port: "COM3:", Driver: "Generic / Text Only", DataFile: `C:\Windows\system32\spool\DRIVERS\x64\3\TTY.GPD`},
	{Name: "Office", Port: "192.168.1.20", Driver: "HP Universal Printing PCL 6", Status: 0x80 | 0x10},
	{Name: "Microsoft Print to PDF", Port: "PORTPROMPT:", Driver: "Microsoft Print To PDF", DriverAttributes: driverXPS},
}

var setup = Setup{RegisterQueue: "EPSON TM-T20II Receipt", RawQueue: "tillwatch raw", Listen: "127.0.0.1:9100"}

// TestSends: the driver decides whether the printer gets text or images.
func TestSends(t *testing.T) {
	want := []Output{OutputImages, OutputText, OutputPDL, OutputImages}
	for i, q := range lane {
		if got, why := q.Sends(); got != want[i] || why == "" {
			t.Errorf("%s: %v (%s), want %v", q.Name, got, why, want[i])
		}
	}
	if got, _ := (Queue{Name: "x", Driver: "Xerox PostScript"}).Sends(); got != OutputPDL {
		t.Errorf("PostScript: %v", got)
	}
	if got, _ := (Queue{Name: "x"}).Sends(); got != OutputUnknown {
		t.Errorf("no driver: %v", got)
	}
}

// TestStatusText: status bits in words.
func TestStatusText(t *testing.T) {
	for st, want := range map[uint32]string{0: "ready", 0x80 | 0x10: "out of paper, offline", 0x400000: "cover open"} {
		if got := StatusText(st); got != want {
			t.Errorf("StatusText(%#x) = %q, want %q", st, got, want)
		}
	}
}

// TestInstallPlan: from a fresh register PC, the exact script (golden:
// the README quotes it); after it ran, nothing is left to do; half done,
// only the rest.
func TestInstallPlan(t *testing.T) {
	steps, err := InstallPlan(lane, setup)
	if err != nil {
		t.Fatal(err)
	}
	golden.CheckString(t, "testdata/install.ps1", Script(steps))

	done := append([]Queue(nil), lane...)
	done[0].Port = "tillwatch_127.0.0.1_9100"
	done = append(done, Queue{Name: "tillwatch raw", Port: "USB001", Driver: TextDriver})
	if steps, err := InstallPlan(done, setup); err != nil || len(steps) != 0 {
		t.Errorf("after install: %v %+v, want nothing to do", err, steps)
	}
	un, err := UninstallPlan(done, setup)
	if err != nil {
		t.Fatal(err)
	}
	golden.CheckString(t, "testdata/uninstall.ps1", Script(un))

	half := append([]Queue(nil), lane...)
	half = append(half, Queue{Name: "Tillwatch RAW", Port: "USB001", Driver: TextDriver})
	steps, err = InstallPlan(half, Setup{RegisterQueue: setup.RegisterQueue, RawQueue: setup.RawQueue, Listen: "0.0.0.0:9100"})
	if err != nil || len(steps) != 2 || !strings.Contains(steps[1].Command, "-PortName 'tillwatch_127.0.0.1_9100'") {
		t.Errorf("raw queue there, wildcard listen: %v %+v", err, steps)
	}
}

// TestInstallPlanErrors: a wrong queue name lists the queues; a register
// queue already on tillwatch's port without the raw queue says what to do.
func TestInstallPlanErrors(t *testing.T) {
	_, err := InstallPlan(lane, Setup{RegisterQueue: "EPSON", RawQueue: "tillwatch raw", Listen: "127.0.0.1:9100"})
	if err == nil || !strings.Contains(err.Error(), `"EPSON TM-T20II Receipt" (USB001)`) {
		t.Errorf("unknown queue: %v", err)
	}
	moved := append([]Queue(nil), lane...)
	moved[0].Port = "tillwatch_127.0.0.1_9100"
	if _, err := InstallPlan(moved, setup); err == nil || !strings.Contains(err.Error(), "Add-Printer -Name 'tillwatch raw'") {
		t.Errorf("raw queue missing: %v", err)
	}
	if _, err := InstallPlan(lane, Setup{RegisterQueue: "Kitchen", RawQueue: "kitchen", Listen: ":9100"}); err == nil {
		t.Error("same queue twice: no error")
	}
	if _, err := InstallPlan(lane, Setup{RegisterQueue: "Kitchen", RawQueue: "k2", Listen: "9100"}); err == nil {
		t.Error("bad listen: no error")
	}
}

// TestQuote: names with quotes stay one PowerShell string.
func TestQuote(t *testing.T) {
	if got := ps("Bob's printer"); got != "'Bob''s printer'" {
		t.Errorf("ps = %s", got)
	}
}
