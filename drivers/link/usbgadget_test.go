//go:build linux

package link

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// No USB device controller exists here: a raw pty stands in for
// /dev/g_printer0 (the test plays the register PC on its master) and
// another for /dev/usb/lp0 (the test plays the printer). Both are opened by
// the real openers, OpenGadgetFile and OpenLP.

// TestUSBGadgetForwards: the register's job (every byte value) reaches the
// printer unchanged, the printer's status replies reach the register, and
// the Sink sees both directions.
func TestUSBGadgetForwards(t *testing.T) {
	reg, lp := newLPStandIn(t), newLPStandIn(t)
	sink := newRecSink()
	u := &USBGadget{Device: "printer", Gadget: reg.Path, Path: lp.Path, Retry: fastRetry, Log: testLog(t)}
	runLink(t, u.Run, sink)
	if l := sink.waitLinks(t, 1); !l[0].Up {
		t.Fatalf("first link event %+v, want Up", l[0])
	}
	job := append(testdataFile(t, "escpos-tools_receipt-with-logo.bin"), allBytes()...)
	werr := make(chan error, 1)
	go func() { werr <- oddWrites(reg.Master, job) }()
	if got := readFull(t, lp.Master, len(job)); !bytes.Equal(got, job) {
		t.Fatalf("printer got a job differing at byte %d of %d", commonPrefix(got, job), len(job))
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
	status := []byte{0x12, 0x16, 0x0a, 0x0d, 0x11, 0x13}
	writeOdd(t, lp.Master, status)
	if got := readFull(t, reg.Master, len(status)); !bytes.Equal(got, status) {
		t.Fatalf("register got % x, printer sent % x", got, status)
	}
	sink.waitBytes(t, drivers.FromHost, job)
	sink.waitBytes(t, drivers.FromDevice, status)
}

// TestUSBGadgetHoldsJobs: while the printer is unplugged the register's
// job is not read (it waits, as in the gadget's queue and the spooler);
// when the printer is plugged in it prints whole, and the Sink saw nothing
// of it before.
func TestUSBGadgetHoldsJobs(t *testing.T) {
	reg := newLPStandIn(t)
	byID := filepath.Join(t.TempDir(), "lp0")
	sink := newRecSink()
	u := &USBGadget{Device: "printer", Gadget: reg.Path, Path: byID, Retry: fastRetry, Log: testLog(t)}
	runLink(t, u.Run, sink)
	l := sink.waitLinks(t, 1)
	if l[0].Up || !strings.Contains(l[0].Reason, "device line: open "+byID+" (usblp): no such device") {
		t.Fatalf("first event %+v, want Down naming the printer", l[0])
	}
	job := []byte("\x1b@TOTAL 12.80\n\x1dV\x00")
	writeOdd(t, reg.Master, job)
	if chunks, _ := sink.snapshot(); len(chunks) != 0 {
		t.Fatalf("the link read %d chunks while the printer was down", len(chunks))
	}

	lp := newLPStandIn(t)
	if err := os.Symlink(lp.Path, byID); err != nil {
		t.Fatal(err)
	}
	if l := sink.waitLinks(t, 2); !l[1].Up {
		t.Fatalf("second event %+v, want Up", l[1])
	}
	if got := readFull(t, lp.Master, len(job)); !bytes.Equal(got, job) {
		t.Fatalf("printer got %q, want the held job", got)
	}
	sink.waitBytes(t, drivers.FromHost, job)
}

// TestUSBGadgetStatus: the printer's port status is copied to the gadget
// (and again when it changes); with the printer gone the gadget says
// offline (0: not selected, error).
func TestUSBGadgetStatus(t *testing.T) {
	reg, lp := newLPStandIn(t), newLPStandIn(t)
	var printer atomic.Int32
	printer.Store(int32(StatusSelected | StatusNotError))
	set := make(chan byte, 64)
	u := &USBGadget{
		Device: "printer", Gadget: reg.Path, Path: lp.Path, Retry: fastRetry, Log: testLog(t),
		StatusEvery: time.Millisecond,
		OpenGadget: func(c SerialConfig) (Port, error) {
			p, err := OpenGadgetFile(c)
			if err != nil {
				return nil, err
			}
			return &fakeGadgetStatus{Port: p, set: set}, nil
		},
		OpenPrinter: func(c SerialConfig) (Port, error) {
			p, err := OpenLP(c)
			if err != nil {
				return nil, err
			}
			return &fakePrinterStatus{Port: p, st: &printer}, nil
		},
	}
	sink := newRecSink()
	runLink(t, u.Run, sink)
	sink.waitLinks(t, 1)
	want := func(st byte) {
		t.Helper()
		deadline := time.After(waitLimit)
		for {
			select {
			case got := <-set:
				if got == st {
					return
				}
			case <-deadline:
				t.Fatalf("gadget status never became %#02x", st)
			}
		}
	}
	want(StatusSelected | StatusNotError)
	printer.Store(int32(StatusSelected | StatusNotError | StatusPaperEmpty | 0x40)) // 0x40 (ACK) is not copied
	want(StatusSelected | StatusNotError | StatusPaperEmpty)
	lp.close() // the printer unplugged
	want(0)
}

// TestUSBGadgetReprint: the agent's own job (a reprint) reaches the printer.
func TestUSBGadgetReprint(t *testing.T) {
	reg, lp := newLPStandIn(t), newLPStandIn(t)
	in := &Injector{}
	u := &USBGadget{Device: "printer", Gadget: reg.Path, Path: lp.Path, Retry: fastRetry, Log: testLog(t), Inject: in}
	sink := newRecSink()
	runLink(t, u.Run, sink)
	sink.waitLinks(t, 1)
	job := []byte("\x1b@COPY\n\x1dV\x01")
	if err := in.Inject(context.Background(), job, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if got := readFull(t, lp.Master, len(job)); !bytes.Equal(got, job) {
		t.Fatalf("printer got %q, want %q", got, job)
	}
}

// TestUSBGadgetConfig: Run refuses a link without both device files.
func TestUSBGadgetConfig(t *testing.T) {
	for _, u := range []*USBGadget{{Device: "p", Path: "/dev/usb/lp0"}, {Device: "p", Gadget: "/dev/g_printer0"}} {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		if err := u.Run(ctx, newRecSink()); err == nil || !strings.HasPrefix(err.Error(), "link: usbgadget p: ") {
			t.Errorf("%+v: err %v", u, err)
		}
		cancel()
	}
}

// fakePrinterStatus is a printer port whose USB port status the test sets.
type fakePrinterStatus struct {
	Port
	st *atomic.Int32
}

func (p *fakePrinterStatus) PortStatus() (byte, error) { return byte(p.st.Load()), nil }

// fakeGadgetStatus records the statuses the link sets on the gadget.
type fakeGadgetStatus struct {
	Port
	set chan byte
}

func (p *fakeGadgetStatus) SetPortStatus(st byte) error {
	p.set <- st
	return nil
}

// TestGadgetHints: a gadget that will not open says why in a technician's
// words.
func TestGadgetHints(t *testing.T) {
	_, err := OpenGadgetFile(SerialConfig{Path: filepath.Join(t.TempDir(), "g_printer0")})
	if err == nil || !strings.Contains(err.Error(), "(gadget): no printer gadget to the register") {
		t.Fatalf("err %v", err)
	}
}
