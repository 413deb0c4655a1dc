//go:build !windows

package link

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestInjectBridge: an injected job reaches the device whole, is reported
// to the sink as host bytes, and waits while the register is sending.
func TestInjectBridge(t *testing.T) {
	host, dev := newPTY(t), newPTY(t)
	sink := newRecSink()
	in := &Injector{}
	br := &Bridge{
		Device: "printer", Log: testLog(t), Inject: in,
		Host: SerialConfig{Path: host.Path, Backend: BackendGoBug},
		Dev:  SerialConfig{Path: dev.Path, Backend: BackendGoBug},
	}
	if err := in.Inject(context.Background(), []byte("x"), time.Millisecond); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Inject before Run: %v, want ErrNotRunning", err)
	}
	runLink(t, br.Run, sink)
	sink.waitLinks(t, 1)

	job := []byte("\x1b@COPY\r\n\x1dV\x01")
	if err := in.Inject(context.Background(), job, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if got := readFull(t, dev.Master, len(job)); !bytes.Equal(got, job) {
		t.Fatalf("device got %q, want %q", got, job)
	}
	sink.waitBytes(t, drivers.FromHost, job)

	// The register keeps sending: no quiet moment within the bound.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				_, _ = host.Master.Write([]byte("."))
			}
		}
	}()
	go func() {
		_, _ = io.Copy(io.Discard, dev.Master) // the printer prints the dots
	}()
	sink.waitFor(t, "register bytes", func() bool { return len(sink.bytesLocked(drivers.FromHost)) > len(job)+2 })
	errc := make(chan error, 1)
	go func() { errc <- in.Inject(ctx, []byte("late"), time.Second) }()
	cancel() // the bound: a caller gives up
	if err := <-errc; !errors.Is(err, ErrHostSending) {
		t.Fatalf("Inject while the register sends: %v, want ErrHostSending", err)
	}
	close(stop)
	<-done
}

// TestInjectTCP: between register sessions, a TCP bridge sends the job on
// a connection of its own and closes it.
func TestInjectTCP(t *testing.T) {
	d := newTCPDevice(t, "127.0.0.1:0")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in := &Injector{}
	sink := newRecSink()
	br := &TCPBridge{Device: "printer", Listener: ln, Connect: d.addr(), Probe: -1, Log: testLog(t), Inject: in}
	runLink(t, br.Run, sink)
	sink.waitLinks(t, 1)
	d.next(t).Close() // the first probe
	job := []byte("\x1b@副本\n\x1dV\x01")
	errc := make(chan error, 1)
	go func() { errc <- in.Inject(context.Background(), job, 10*time.Millisecond) }()
	c := d.next(t)
	_ = c.SetReadDeadline(time.Now().Add(waitLimit))
	got, err := io.ReadAll(c) // ends at the bridge's half-close
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if !bytes.Equal(got, job) {
		t.Fatalf("device got %q, want %q", got, job)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	sink.waitBytes(t, drivers.FromHost, job)
}
