package link

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// USBLP puts the agent between a register and a USB printer class device
// (/dev/usb/lp0): the agent owns the device file and gives the register a
// virtual port instead, either a pseudo-terminal published at PTYLink
// (the register opens it as a serial port) or a TCP listener (the
// register prints to it as to a network printer). Bytes are forwarded
// both ways as they are read, unbuffered, and reported to the Sink.
//
// The device file is opened read-write: usblp answers reads with what the
// printer sends back (status replies, ASB) when the printer is
// bidirectional; on a write-only printer the read side stays silent. When
// the device vanishes (USB unplug, power off) the device line is Down
// and the file is reopened with backoff.
//
// Bytes for the register that nobody reads are dropped after a short
// wait, as on a serial wire with nothing plugged in; what the register
// sends while the printer is down is reported but not forwarded.
type USBLP struct {
	// Device names the device for the Sink ("printer").
	Device string
	// Path is the printer device file, e.g. /dev/usb/lp0 or a udev
	// symlink to it (followed on every open).
	Path string
	// PTYLink is where the virtual serial port appears: a symlink to the
	// slave of a pseudo-terminal the agent creates (parent directories are
	// created). Linux only. Exactly one of PTYLink and Listen/Listener.
	PTYLink string
	// Listen is the address of a TCP virtual port ("0.0.0.0:9100").
	Listen string
	// Listener, if set, is used instead of listening on Listen; Run
	// closes it.
	Listener net.Listener
	// Now stamps reads and transitions; default time.Now.
	Now func() time.Time
	// Retry is the reopen backoff; zero means 100ms doubling to 5s.
	Retry Backoff
	// Log receives line transitions, once each; default slog.Default().
	Log *slog.Logger
	// Inject, if set, lets the agent write its own jobs to the printer
	// while Run is on (receipt reprints).
	Inject *Injector
}

// Run forwards until ctx is done, then closes the device file and the
// virtual port (removing the symlink) and returns nil once none of its
// goroutines is left. It returns an error only for a bad configuration.
func (u *USBLP) Run(ctx context.Context, sink Sink) error {
	addr := u.Listen
	if u.Listener != nil {
		addr = u.Listener.Addr().String()
	}
	switch {
	case u.Path == "":
		return fmt.Errorf("link: usblp %s: empty Path", u.Device)
	case (u.PTYLink == "") == (addr == ""):
		return fmt.Errorf("link: usblp %s: need exactly one of PTYLink and Listen", u.Device)
	}
	dev := &line{side: "device", dir: drivers.FromDevice, cfg: SerialConfig{Path: u.Path, Backend: BackendUSBLP}, open: OpenLP}
	host := &line{side: "host", dir: drivers.FromHost, cfg: SerialConfig{Path: u.PTYLink, Backend: BackendPTY}, open: OpenPTYLink}
	if u.PTYLink == "" {
		host.cfg, host.open = SerialConfig{Path: addr, Backend: BackendTCP}, noOpen
	}
	host.peer, dev.peer = dev, host
	r, err := newRunner(options{kind: "usblp", dev: u.Device, now: u.Now, open: noOpen, retry: u.Retry, log: u.Log}, sink, []*line{host, dev})
	if err != nil {
		return err
	}
	att := &attachment{r: r, host: host, dev: dev}
	u.Inject.attach(att)
	defer u.Inject.detach(att)
	if u.PTYLink != "" {
		return r.run(ctx)
	}
	return r.runWith(ctx, func(ctx context.Context) {
		var wg sync.WaitGroup
		wg.Go(func() { dev.run(ctx, r) })
		wg.Go(func() { serveHost(ctx, r, host, u.Listener) })
		wg.Wait()
	})
}

// serveHost is a TCP virtual port: register connections one at a time,
// each read forwarded to the host line's peer (whose job, if it has jobs,
// ends with the connection). The host line is Up while
// listening; connections coming and going are not transitions.
func serveHost(ctx context.Context, r *runner, host *line, ln net.Listener) {
	buf := make([]byte, readSize)
	for {
		ln = listen(ctx, r, host, ln)
		if ln == nil {
			return
		}
		a := startAccept(ctx, r, ln)
		for c := range a.conns {
			g := newGuarded(c)
			host.cur.Store(g)
			stop := context.AfterFunc(ctx, func() { g.fail(nil) })
			_, _ = host.pump(ctx, r, g, buf) // the register hung up: wait for the next
			stop()
			host.cur.Store(nil)
			_ = g.Close()
			if host.peer != nil {
				host.peer.endJob() // a spooler job is one register connection
			}
		}
		a.wait()
		if ctx.Err() != nil {
			return
		}
		r.emitState(host.idx, false, a.err)
		ln = nil
	}
}

// OpenLP opens a printer device file read-write. Its Read is released by
// Close. A printer whose device file refuses reads (a write-only printer:
// usblp answers EINVAL) reads nothing until Close.
func OpenLP(cfg SerialConfig) (Port, error) {
	f, err := os.OpenFile(cfg.Path, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, &OpenError{Path: cfg.Path, Backend: BackendUSBLP, Kind: classify(err), Err: err}
	}
	return &lpPort{f: f, closed: make(chan struct{})}, nil
}

// lpPort is an open printer device file.
type lpPort struct {
	f         *os.File
	writeOnly atomic.Bool
	once      sync.Once
	closed    chan struct{}
}

func (p *lpPort) Read(b []byte) (int, error) {
	if !p.writeOnly.Load() {
		n, err := p.f.Read(b)
		if !errors.Is(err, syscall.EINVAL) {
			return n, err
		}
		p.writeOnly.Store(true)
	}
	<-p.closed
	return 0, errClosed
}

func (p *lpPort) Write(b []byte) (int, error) { return p.f.Write(b) }

func (p *lpPort) Close() error {
	p.once.Do(func() { close(p.closed) })
	return p.f.Close()
}
