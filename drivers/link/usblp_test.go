//go:build linux

package link

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// newLPStandIn stands in for /dev/usb/lp0: no USB printer exists here, so
// the device file is a pty slave in raw mode (read-write, like a
// bidirectional usblp device) and the test plays the printer on Master.
func newLPStandIn(t testing.TB) *ptyPair {
	t.Helper()
	p := newPTY(t)
	if err := rawMode(p.slave); err != nil {
		t.Fatal(err)
	}
	return p
}

// openVirtual opens the virtual serial port as a register would.
func openVirtual(t testing.TB, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestUSBLPPTY: the register opens the published pty path, prints, reads
// the printer's status replies, closes and opens it again; the symlink
// goes away with the link.
func TestUSBLPPTY(t *testing.T) {
	lp := newLPStandIn(t)
	link := filepath.Join(t.TempDir(), "run", "tillwatch", "printer")
	sink := newRecSink()
	u := &USBLP{Device: "printer", Path: lp.Path, PTYLink: link, Retry: fastRetry, Log: testLog(t)}
	cancel := runLink(t, u.Run, sink)
	if l := sink.waitLinks(t, 1); !l[0].Up {
		t.Fatalf("first link event %+v, want Up", l[0])
	}
	target, err := os.Readlink(link)
	if err != nil || !strings.HasPrefix(target, "/dev/pts/") {
		t.Fatalf("symlink %s -> %q (%v), want a pty slave", link, target, err)
	}

	pos := openVirtual(t, link)
	job := append(testdataFile(t, "escpos-tools_receipt-with-logo.bin"), allBytes()...)
	werr := make(chan error, 1)
	go func() { werr <- oddWrites(pos, job) }()
	if got := readFull(t, lp.Master, len(job)); !bytes.Equal(got, job) {
		t.Fatalf("printer got a job differing at byte %d of %d", commonPrefix(got, job), len(job))
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
	status := []byte{0x12, 0x16, 0x0a, 0x0d, 0x11, 0x13} // CR, LF, XON, XOFF pass unchanged
	writeOdd(t, lp.Master, status)
	if got := readFull(t, pos, len(status)); !bytes.Equal(got, status) {
		t.Fatalf("register got % x, printer sent % x", got, status)
	}
	pos.Close()

	again := openVirtual(t, link)
	req := []byte{0x10, 0x04, 0x01}
	writeOdd(t, again, req)
	if got := readFull(t, lp.Master, len(req)); !bytes.Equal(got, req) {
		t.Fatalf("printer got % x after the register reopened", got)
	}
	sink.waitBytes(t, drivers.FromHost, append(job, req...))
	sink.waitBytes(t, drivers.FromDevice, status)

	cancel()
	waitUntil(t, "the symlink removed", func() bool {
		_, err := os.Lstat(link)
		return os.IsNotExist(err)
	})
}

// TestUSBLPListener: the register prints over TCP to the agent, which owns
// the printer device file; connections come and go, the link stays Up.
func TestUSBLPListener(t *testing.T) {
	lp := newLPStandIn(t)
	ln := loopListener(t)
	sink := newRecSink()
	u := &USBLP{Device: "printer", Path: lp.Path, Listener: ln, Retry: fastRetry, Log: testLog(t)}
	runLink(t, u.Run, sink)
	if l := sink.waitLinks(t, 1); !l[0].Up {
		t.Fatalf("first link event %+v, want Up", l[0])
	}
	var want []byte
	for i := range 3 {
		pos := dialPOS(t, ln.Addr().String())
		job := []byte("\x1b@job " + string(rune('1'+i)) + "\n\x1dV\x00\x10\x04\x01")
		writeOdd(t, pos, job)
		if got := readFull(t, lp.Master, len(job)); !bytes.Equal(got, job) {
			t.Fatalf("job %d: printer got %q", i, got)
		}
		lp.Master.Write([]byte{0x12})
		if got := readConn(t, pos, 1); got[0] != 0x12 {
			t.Fatalf("job %d: register got % x", i, got)
		}
		want = append(want, job...)
		pos.Close()
	}
	sink.waitBytes(t, drivers.FromHost, want)
	sink.waitBytes(t, drivers.FromDevice, []byte{0x12, 0x12, 0x12})
	if _, links := sink.snapshot(); len(links) != 1 {
		t.Fatalf("link events %+v, want a single Up", links)
	}
}

// TestUSBLPUnplug: a printer that is not there is Down naming the device
// file; once it appears it is Up and prints.
func TestUSBLPUnplug(t *testing.T) {
	byID := filepath.Join(t.TempDir(), "lp0")
	link := filepath.Join(t.TempDir(), "printer")
	sink := newRecSink()
	u := &USBLP{Device: "printer", Path: byID, PTYLink: link, Retry: fastRetry, Log: testLog(t)}
	runLink(t, u.Run, sink)
	l := sink.waitLinks(t, 1)
	if l[0].Up || !strings.Contains(l[0].Reason, "device line: open "+byID+" (usblp): no such device") {
		t.Fatalf("first event %+v, want Down naming the device file", l[0])
	}
	lp := newLPStandIn(t)
	if err := os.Symlink(lp.Path, byID); err != nil {
		t.Fatal(err)
	}
	if l := sink.waitLinks(t, 2); !l[1].Up {
		t.Fatalf("second event %+v, want Up", l[1])
	}
	pos := openVirtual(t, link)
	job := []byte("\x1b@TOTAL 3.20\n")
	writeOdd(t, pos, job)
	if got := readFull(t, lp.Master, len(job)); !bytes.Equal(got, job) {
		t.Fatalf("printer got %q", got)
	}
}

// TestUSBLPConfig: Run refuses a config without exactly one virtual port.
func TestUSBLPConfig(t *testing.T) {
	for _, u := range []*USBLP{
		{Device: "p", PTYLink: "/run/x"},
		{Device: "p", Path: "/dev/usb/lp0"},
		{Device: "p", Path: "/dev/usb/lp0", PTYLink: "/run/x", Listen: ":9100"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		if err := u.Run(ctx, newRecSink()); err == nil || !strings.HasPrefix(err.Error(), "link: usblp p: ") {
			t.Errorf("%+v: err %v", u, err)
		}
		cancel()
	}
}
