//go:build linux

package link

import (
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
)

// BenchmarkTCPBridgeLatency measures one byte from the register's
// connection to the device's: "bridge" through TCPBridge, "direct"
// through a bare read-write loop between the same kind of sockets.
func BenchmarkTCPBridgeLatency(b *testing.B) {
	b.Run("bridge", func(b *testing.B) {
		dev := newTCPDevice(b, "127.0.0.1:0")
		ln := loopListener(b)
		sink := newRecSink()
		br := &TCPBridge{Device: "printer", Listener: ln, Connect: dev.addr(), Probe: -1, Log: slog.New(slog.DiscardHandler)}
		runLink(b, br.Run, &onlyLinks{sink})
		sink.waitLinks(b, 1)
		pos := dialPOS(b, ln.Addr().String())
		pos.Write([]byte{0x1b})
		measure(b, pos, dev.nextWith(b, []byte{0x1b}))
	})
	b.Run("direct", func(b *testing.B) {
		dev := newTCPDevice(b, "127.0.0.1:0")
		ln := loopListener(b)
		pos := dialPOS(b, ln.Addr().String())
		in, err := ln.Accept()
		if err != nil {
			b.Fatal(err)
		}
		out := dialPOS(b, dev.addr())
		copyLoop(b, in, out)
		measure(b, pos, dev.next(b))
	})
}

// BenchmarkUSBLPLatency measures one byte from the register to the
// printer device file (a raw pty standing in for /dev/usb/lp0): through
// the published pty ("pty"), through the TCP virtual port ("tcp"), and
// through a bare read-write loop from a pty to the device file ("direct").
func BenchmarkUSBLPLatency(b *testing.B) {
	b.Run("pty", func(b *testing.B) {
		lp := newLPStandIn(b)
		link := filepath.Join(b.TempDir(), "printer")
		sink := newRecSink()
		u := &USBLP{Device: "printer", Path: lp.Path, PTYLink: link, Log: slog.New(slog.DiscardHandler)}
		runLink(b, u.Run, &onlyLinks{sink})
		sink.waitLinks(b, 1)
		measure(b, openVirtual(b, link), lp.Master)
	})
	b.Run("tcp", func(b *testing.B) {
		lp := newLPStandIn(b)
		ln := loopListener(b)
		sink := newRecSink()
		u := &USBLP{Device: "printer", Path: lp.Path, Listener: ln, Log: slog.New(slog.DiscardHandler)}
		runLink(b, u.Run, &onlyLinks{sink})
		sink.waitLinks(b, 1)
		measure(b, dialPOS(b, ln.Addr().String()), lp.Master)
	})
	b.Run("direct", func(b *testing.B) {
		lp, x := newLPStandIn(b), filepath.Join(b.TempDir(), "x")
		dp, err := OpenLP(SerialConfig{Path: lp.Path})
		if err != nil {
			b.Fatal(err)
		}
		hp, err := OpenPTYLink(SerialConfig{Path: x})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { dp.Close() })
		copyLoop(b, hp, dp)
		measure(b, openVirtual(b, x), lp.Master)
	})
}

// BenchmarkUSBLPTCPDirect is the baseline of BenchmarkUSBLPLatency/tcp:
// a bare read-write loop from an accepted connection to the device file.
func BenchmarkUSBLPTCPDirect(b *testing.B) {
	lp := newLPStandIn(b)
	dp, err := OpenLP(SerialConfig{Path: lp.Path})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { dp.Close() })
	ln := loopListener(b)
	pos := dialPOS(b, ln.Addr().String())
	in, err := ln.Accept()
	if err != nil {
		b.Fatal(err)
	}
	copyLoop(b, in, dp)
	measure(b, pos, lp.Master)
}

// copyLoop forwards from in to out, read by read, until in is closed at
// cleanup.
func copyLoop(b *testing.B, in io.ReadCloser, out io.Writer) {
	var wg sync.WaitGroup
	wg.Go(func() {
		buf := make([]byte, readSize)
		for {
			n, err := in.Read(buf)
			if err != nil {
				return
			}
			if _, err := out.Write(buf[:n]); err != nil {
				return
			}
		}
	})
	b.Cleanup(func() {
		in.Close()
		wg.Wait()
	})
}
