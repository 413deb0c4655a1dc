//go:build !windows

package link

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// tcpDevice is a network printer or terminal played by the test: it
// accepts connections on a loopback port and hands them to the test.
type tcpDevice struct {
	ln    net.Listener
	conns chan net.Conn
}

func newTCPDevice(t testing.TB, addr string) *tcpDevice {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	d := &tcpDevice{ln: ln, conns: make(chan net.Conn, 16)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d.conns <- c
		}
	}()
	t.Cleanup(func() { d.close() })
	return d
}

func (d *tcpDevice) addr() string { return d.ln.Addr().String() }

// close stops listening; the device is gone.
func (d *tcpDevice) close() { d.ln.Close() }

// next waits for the next connection from the bridge.
func (d *tcpDevice) next(t testing.TB) net.Conn {
	t.Helper()
	select {
	case c := <-d.conns:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(waitLimit):
		t.Fatal("the bridge never connected to the device")
		return nil
	}
}

// nextWith skips the bridge's probe connections (closed without a byte)
// and returns the connection that brings want, checking it came whole.
func (d *tcpDevice) nextWith(t testing.TB, want []byte) net.Conn {
	t.Helper()
	for {
		c := d.next(t)
		c.SetReadDeadline(time.Now().Add(waitLimit))
		b := make([]byte, len(want))
		n, err := io.ReadFull(c, b)
		if n == 0 && err != nil && !isTimeout(err) {
			continue // a probe
		}
		if !bytes.Equal(b, want) {
			t.Fatalf("device got %q (%v), want %q", b[:n], err, want)
		}
		return c
	}
}

// loopListener listens on a free loopback port.
func loopListener(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// freeAddr is a loopback address nothing listens on (yet).
func freeAddr(t testing.TB) string {
	ln := loopListener(t)
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// dialPOS connects like a register printing to the bridge.
func dialPOS(t testing.TB, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readConn reads exactly n bytes from c within waitLimit.
func readConn(t testing.TB, c net.Conn, n int) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(waitLimit))
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	return b
}

// readEOF waits until c's peer has closed (EOF or reset).
func readEOF(t testing.TB, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(waitLimit))
	n, err := io.Copy(io.Discard, c)
	if isTimeout(err) {
		t.Fatalf("connection still open after %v (%d bytes read)", waitLimit, n)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestTCPBridge: register and device talk through the bridge byte for
// byte both ways; the register's half-close reaches the device and the
// device's last answers still come back; the next register connection
// gets a fresh device connection.
func TestTCPBridge(t *testing.T) {
	cmds, answers := zvtBlobs(t)
	dev := newTCPDevice(t, "127.0.0.1:0")
	ln := loopListener(t)
	sink := newRecSink()
	br := &TCPBridge{Device: "terminal", Listener: ln, Connect: dev.addr(), Retry: fastRetry, Log: testLog(t)}
	runLink(t, br.Run, sink)
	if l := sink.waitLinks(t, 1); !l[0].Up {
		t.Fatalf("first link event %+v, want Up", l[0])
	}

	pos := dialPOS(t, ln.Addr().String())
	var dc net.Conn
	var wantHost, wantDev []byte
	for i := range max(len(cmds), len(answers)) {
		if i < len(cmds) {
			writeOdd(t, pos, cmds[i])
			if dc == nil {
				dc = dev.nextWith(t, cmds[i])
			} else if got := readConn(t, dc, len(cmds[i])); !bytes.Equal(got, cmds[i]) {
				t.Fatalf("device got % x, register sent % x", got, cmds[i])
			}
			wantHost = append(wantHost, cmds[i]...)
		}
		if i < len(answers) && dc != nil {
			writeOdd(t, dc, answers[i])
			if got := readConn(t, pos, len(answers[i])); !bytes.Equal(got, answers[i]) {
				t.Fatalf("register got % x, device sent % x", got, answers[i])
			}
			wantDev = append(wantDev, answers[i]...)
		}
	}
	// A whole receipt and every byte value, then the register is done.
	bulk := append(testdataFile(t, "escpos-tools_receipt-with-logo.bin"), allBytes()...)
	werr := make(chan error, 1)
	go func() { werr <- oddWrites(pos, bulk) }()
	if got := readConn(t, dc, len(bulk)); !bytes.Equal(got, bulk) {
		t.Fatalf("bulk differs at byte %d of %d", commonPrefix(got, bulk), len(bulk))
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
	wantHost = append(wantHost, bulk...)
	if err := pos.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	readEOF(t, dc)                   // the half-close reached the device
	last := []byte{0x10, 0x04, 0x12} // an answer after the job's end
	if _, err := dc.Write(last); err != nil {
		t.Fatal(err)
	}
	if got := readConn(t, pos, len(last)); !bytes.Equal(got, last) {
		t.Fatalf("register got % x after its half-close, want % x", got, last)
	}
	wantDev = append(wantDev, last...)
	dc.Close()
	readEOF(t, pos) // the device's close reached the register

	// The next job: a new connection on both sides.
	pos2 := dialPOS(t, ln.Addr().String())
	job := []byte("\x1b@second job\n\x1dV\x00")
	writeOdd(t, pos2, job)
	dev.nextWith(t, job)
	wantHost = append(wantHost, job...)
	sink.waitBytes(t, drivers.FromHost, wantHost)
	sink.waitBytes(t, drivers.FromDevice, wantDev)
	if _, links := sink.snapshot(); len(links) != 1 {
		t.Fatalf("link events %+v, want a single Up: register connections are not transitions", links)
	}
}

// TestTCPBridgeDeviceDown: an unreachable device is Down and a register
// that connects meanwhile is turned away; the device comes up and the
// next register connection is forwarded; the device goes away between
// jobs and the idle probe reports it Down.
func TestTCPBridgeDeviceDown(t *testing.T) {
	devAddr := freeAddr(t)
	ln := loopListener(t)
	sink := newRecSink()
	br := &TCPBridge{Device: "printer", Listener: ln, Connect: devAddr, Retry: fastRetry,
		Probe: 20 * time.Millisecond, DialTimeout: time.Second, Log: testLog(t)}
	runLink(t, br.Run, sink)
	links := sink.waitLinks(t, 1)
	if links[0].Up || !strings.HasPrefix(links[0].Reason, "device line: dial "+devAddr) {
		t.Fatalf("first event %+v, want Down naming the device's address", links[0])
	}

	refused := dialPOS(t, ln.Addr().String())
	readEOF(t, refused) // closed at once: the register sees the printer offline

	dev := newTCPDevice(t, devAddr)
	if links := sink.waitLinks(t, 2); !links[1].Up {
		t.Fatalf("second event %+v, want Up", links[1])
	}
	pos := dialPOS(t, ln.Addr().String())
	job := []byte("\x1b@TOTAL 3.20\n\x1dV\x00")
	writeOdd(t, pos, job)
	dc := dev.nextWith(t, job)
	status := []byte{0x12} // DLE EOT 1 answer: online
	dc.Write(status)
	if got := readConn(t, pos, 1); !bytes.Equal(got, status) {
		t.Fatalf("register got % x", got)
	}
	sink.waitBytes(t, drivers.FromHost, job)
	sink.waitBytes(t, drivers.FromDevice, status)
	pos.Close()
	dc.Close()

	dev.close()
	if links := sink.waitLinks(t, 3); links[2].Up {
		t.Fatalf("third event %+v, want Down after the printer went away", links[2])
	}
}
