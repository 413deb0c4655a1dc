package link

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TCPBridge puts the agent between a register and a network device: the
// register connects to Listen (a printer's port 9100, a ZVT terminal's
// port 20007) and every connection is mirrored by one connection to
// Connect. Bytes are forwarded both ways as they are read, unbuffered
// (TCP_NODELAY), and reported to the Sink.
//
// Register connections are served one at a time, in order, like a device
// that takes one client: the next is accepted when the last one ended.
// When the register half-closes (a print job sent), the device is
// half-closed too and its answers still flow back until it closes or for
// Drain. When the device closes, the register's connection is closed.
//
// The link is Up while the device accepts connections. Between sessions
// it is dialed and closed again every Probe, so an unplugged printer is
// seen before the next receipt; a device that does not answer is reported
// Down and dialed again with backoff. While it is Down, a register that
// connects is dialed through once more and, if the device still does not
// answer, its connection is closed at once: the register sees the device
// offline, as it would without the agent.
type TCPBridge struct {
	// Device names the device for the Sink ("printer", "terminal").
	Device string
	// Listen is the address the register connects to ("0.0.0.0:9100").
	Listen string
	// Listener, if set, is used instead of listening on Listen (tests,
	// socket activation); Run closes it.
	Listener net.Listener
	// Connect is the device's address ("192.168.1.50:9100").
	Connect string
	// DialTimeout bounds one connection attempt to the device; default 3s.
	DialTimeout time.Duration
	// Probe is how often an idle device is dialed to check that it is
	// still there; default 30s, negative for never.
	Probe time.Duration
	// Drain is how long the device's answers are still relayed after the
	// register half-closed; default 5s.
	Drain time.Duration
	// Now stamps reads and transitions; default time.Now.
	Now func() time.Time
	// Retry is the backoff of failed dials and listens; zero means 100ms
	// doubling to 5s.
	Retry Backoff
	// Log receives transitions, once each; default slog.Default().
	Log *slog.Logger
	// Inject, if set, lets the agent send its own jobs to the device
	// between register sessions, on a connection of its own.
	Inject *Injector
}

// tcpState is what one TCPBridge.Run owns.
type tcpState struct {
	b         *TCPBridge
	r         *runner
	host, dev *line
	dialer    net.Dialer
	retry     *retrier
	up        int // device: 0 unknown, 1 up, -1 down
	hbuf      []byte
	dbuf      []byte
}

// Run bridges until ctx is done, then closes every connection and returns
// nil once none of its goroutines is left. It returns an error only for a
// bad configuration.
func (b *TCPBridge) Run(ctx context.Context, sink Sink) error {
	addr := b.Listen
	if b.Listener != nil {
		addr = b.Listener.Addr().String()
	}
	if addr == "" || b.Connect == "" {
		return fmt.Errorf("link: tcp bridge %s: need Listen (or Listener) and Connect", b.Device)
	}
	host := &line{side: "host", dir: drivers.FromHost, cfg: SerialConfig{Path: addr, Backend: BackendTCP}, open: noOpen}
	dev := &line{side: "device", dir: drivers.FromDevice, cfg: SerialConfig{Path: b.Connect, Backend: BackendTCP}, open: noOpen}
	host.peer, dev.peer = dev, host
	r, err := newRunner(options{kind: "tcp bridge", dev: b.Device, now: b.Now, open: noOpen, retry: b.Retry, log: b.Log}, sink, []*line{host, dev})
	if err != nil {
		return err
	}
	s := &tcpState{
		b: b, r: r, host: host, dev: dev, retry: newRetrier(r.retry),
		dialer: net.Dialer{
			Timeout: orDefault(b.DialTimeout, 3*time.Second),
			// A device unplugged mid-session is noticed in about 20s.
			KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 5 * time.Second, Interval: 5 * time.Second, Count: 3},
		},
		hbuf: make([]byte, readSize), dbuf: make([]byte, readSize),
	}
	att := &attachment{r: r, host: host, dev: dev, dial: func(ctx context.Context) (net.Conn, error) {
		return s.dialer.DialContext(ctx, "tcp", b.Connect)
	}}
	b.Inject.attach(att)
	defer b.Inject.detach(att)
	return r.runWith(ctx, s.serve)
}

// orDefault is d, or def when d is zero.
func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// serve listens (again after a listener failure) until ctx is done.
func (s *tcpState) serve(ctx context.Context) {
	ln := s.b.Listener
	for {
		ln = listen(ctx, s.r, s.host, ln)
		if ln == nil {
			return
		}
		err := s.accept(ctx, ln)
		if ctx.Err() != nil {
			return
		}
		s.r.emitState(s.host.idx, false, err)
		ln = nil
	}
}

// accept serves connections and probes the device between them until ctx
// is done or the listener fails (its error is returned).
func (s *tcpState) accept(ctx context.Context, ln net.Listener) error {
	a := startAccept(ctx, s.r, ln)
	defer a.wait()
	next := time.Now() // dial the device at once: is it there?
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		timer.Reset(time.Until(next))
		if s.up > 0 && s.b.Probe < 0 {
			timer.Stop()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			if c := s.dial(ctx); c != nil {
				_ = c.Close()
			}
			next = s.nextDial()
		case c, ok := <-a.conns:
			if !ok {
				a.wait()
				return a.err
			}
			d := s.dial(ctx)
			if d == nil {
				_ = c.Close() // the register sees the device offline
				next = s.nextDial()
				continue
			}
			if failed := s.session(ctx, c, d); failed {
				next = time.Now() // check the device at once
			} else {
				next = s.nextDial()
			}
		}
	}
}

// nextDial is when to dial the device next: a backoff step while it is
// down, a probe interval while it is up.
func (s *tcpState) nextDial() time.Time {
	if s.up < 0 {
		return time.Now().Add(s.retry.delay())
	}
	return time.Now().Add(orDefault(s.b.Probe, 30*time.Second))
}

// dial connects to the device and reports a device line transition; nil
// when the device did not answer.
func (s *tcpState) dial(ctx context.Context) net.Conn {
	c, err := s.dialer.DialContext(ctx, "tcp", s.b.Connect)
	if err != nil {
		if ctx.Err() == nil && s.up >= 0 {
			s.r.emitState(s.dev.idx, false, fmt.Errorf("link: dial %s: %w", s.b.Connect, err))
			s.up = -1
		}
		return nil
	}
	if s.up <= 0 {
		s.r.emitState(s.dev.idx, true, nil)
		s.up = 1
		s.retry.reset()
	}
	return c
}

// session forwards between one register connection and its device
// connection until either ends. failed says the device connection broke
// (not a clean close).
func (s *tcpState) session(ctx context.Context, pos, devc net.Conn) (failed bool) {
	hg, dg := newGuarded(pos), newGuarded(devc)
	s.host.cur.Store(hg)
	s.dev.cur.Store(dg)
	stop := context.AfterFunc(ctx, func() { hg.fail(nil); dg.fail(nil) })
	var (
		wg   sync.WaitGroup
		derr error
	)
	wg.Go(func() {
		_, err := s.host.pump(ctx, s.r, hg, s.hbuf)
		if errors.Is(err, io.EOF) {
			// The job is sent: pass the end on, keep relaying answers.
			if closeWrite(devc) == nil && devc.SetReadDeadline(time.Now().Add(orDefault(s.b.Drain, 5*time.Second))) == nil {
				return
			}
		}
		dg.fail(nil)
	})
	wg.Go(func() {
		_, derr = s.dev.pump(ctx, s.r, dg, s.dbuf)
		hg.fail(nil)
	})
	wg.Wait()
	stop()
	s.host.cur.Store(nil)
	s.dev.cur.Store(nil)
	if err := hg.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		s.r.log.Warn("link: close", "line", "host", "err", err)
	}
	_ = dg.Close()
	if ctx.Err() != nil || derr == nil {
		return false
	}
	if errors.Is(derr, io.EOF) || errors.Is(derr, net.ErrClosed) || errors.Is(derr, os.ErrDeadlineExceeded) {
		return false
	}
	s.r.log.Warn("link: device connection broke", "addr", s.b.Connect, "err", derr)
	return true
}
