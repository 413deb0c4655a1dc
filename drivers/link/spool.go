package link

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// BackendSpool names a print spooler queue (Windows: a RAW queue on the
// printer's USB00x port).
const BackendSpool = "spool"

// DefaultJobIdle ends a spooler job when the register has sent nothing for
// this long on a connection it keeps open.
const DefaultJobIdle = 500 * time.Millisecond

// SpoolQueue is a print queue that takes RAW jobs: on Windows
// drivers/winspool.Printer (the spooler), in tests a fake.
type SpoolQueue interface {
	// StartJob starts a job named doc.
	StartJob(doc string) error
	// Write adds bytes to the job.
	Write(b []byte) (int, error)
	// EndJob ends the job; the spooler then prints it.
	EndJob() error
	// Close closes the queue.
	Close() error
}

// Spool puts the agent between a register that prints to a TCP port (a
// Windows queue moved to a Standard TCP/IP port, RAW 9100, pointing at the
// agent) and a printer reached through a print queue (a second queue, on
// the printer's own USB port, in RAW mode): every byte the register sends
// is reported to the Sink and written on to the queue, unchanged.
//
// A job on the queue is one register connection (the Standard TCP/IP port
// opens one per job) or, on a connection the register keeps open, a run of
// bytes ended by JobIdle of quiet. Reprints go through the same queue as
// jobs of their own.
//
// Nothing comes back: the spooler gives no answers from the printer, as a
// RAW TCP port gives the register none. While the queue cannot be opened
// the device line is Down and what the register sends is reported but not
// printed.
type Spool struct {
	// Device names the device for the Sink ("printer").
	Device string
	// Listen is the TCP address the register's queue prints to
	// ("127.0.0.1:9100"); Listener, if set, is used instead and closed.
	Listen   string
	Listener net.Listener
	// Queue names the print queue the agent writes to.
	Queue string
	// Open opens a queue by name (drivers/winspool.Open on Windows).
	Open func(queue string) (SpoolQueue, error)
	// JobIdle ends a job after this much quiet; zero means DefaultJobIdle.
	JobIdle time.Duration
	// Now stamps reads and transitions; default time.Now.
	Now func() time.Time
	// Retry is the reopen backoff; zero means 100ms doubling to 5s.
	Retry Backoff
	// Log receives line transitions, once each; default slog.Default().
	Log *slog.Logger
	// Inject, if set, lets the agent print its own jobs (reprints).
	Inject *Injector
}

// Run forwards until ctx is done, then ends any job, closes the queue and
// the listener, and returns nil once none of its goroutines is left. It
// returns an error only for a bad configuration.
func (s *Spool) Run(ctx context.Context, sink Sink) error {
	addr := s.Listen
	if s.Listener != nil {
		addr = s.Listener.Addr().String()
	}
	switch {
	case s.Queue == "":
		return fmt.Errorf("link: spool %s: empty Queue", s.Device)
	case addr == "":
		return fmt.Errorf("link: spool %s: empty Listen", s.Device)
	case s.Open == nil:
		return fmt.Errorf("link: spool %s: no Open", s.Device)
	}
	idle := s.JobIdle
	if idle <= 0 {
		idle = DefaultJobIdle
	}
	doc := "tillwatch " + s.Device
	open := func(cfg SerialConfig) (Port, error) {
		q, err := s.Open(cfg.Path)
		if err != nil {
			return nil, &OpenError{Path: cfg.Path, Backend: BackendSpool, Err: err}
		}
		return newSpoolPort(q, doc, idle), nil
	}
	dev := &line{side: "device", dir: drivers.FromDevice, cfg: SerialConfig{Path: s.Queue, Backend: BackendSpool}, open: open}
	host := &line{side: "host", dir: drivers.FromHost, cfg: SerialConfig{Path: addr, Backend: BackendTCP}, open: noOpen}
	host.peer, dev.peer = dev, host
	r, err := newRunner(options{kind: "spool", dev: s.Device, now: s.Now, open: noOpen, retry: s.Retry, log: s.Log}, sink, []*line{host, dev})
	if err != nil {
		return err
	}
	att := &attachment{r: r, host: host, dev: dev}
	s.Inject.attach(att)
	defer s.Inject.detach(att)
	return r.runWith(ctx, func(ctx context.Context) {
		var wg sync.WaitGroup
		wg.Go(func() { dev.run(ctx, r) })
		wg.Go(func() { serveHost(ctx, r, host, s.Listener) })
		wg.Wait()
	})
}

// jobEnder is a device port with print jobs: the link ends a job when the
// register hangs up and around an injected job.
type jobEnder interface {
	EndJob() error
}

// endJob ends the job in progress on the line's port, if it has jobs.
func (l *line) endJob() {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if g := l.cur.Load(); g != nil {
		l.endJobOn(g)
	}
}

// endJobOn ends the job on g (the caller holds l.wmu); a failure fails the
// port, which is then reopened.
func (l *line) endJobOn(g *guarded) {
	j, ok := g.p.(jobEnder)
	if !ok {
		return
	}
	if err := j.EndJob(); err != nil {
		g.fail(fmt.Errorf("link: end job on %s (%s): %w", l.cfg.Path, l.cfg.Backend, err))
	}
}

// spoolPort is an open queue as a Port: writes go into a job started on
// the first write and ended by EndJob, by JobIdle of quiet, or by Close.
// It reads nothing.
type spoolPort struct {
	q    SpoolQueue
	doc  string
	idle time.Duration

	mu    sync.Mutex
	inJob bool
	gen   uint64      // counts writes, so a late idle timer ends nothing
	timer *time.Timer // ends the job after idle
	err   error       // an idle end failed: the next write reports it

	once   sync.Once
	closed chan struct{}
}

func newSpoolPort(q SpoolQueue, doc string, idle time.Duration) *spoolPort {
	return &spoolPort{q: q, doc: doc, idle: idle, closed: make(chan struct{})}
}

func (p *spoolPort) Read([]byte) (int, error) {
	<-p.closed
	return 0, errClosed
}

func (p *spoolPort) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return 0, p.err
	}
	if !p.inJob {
		if err := p.q.StartJob(p.doc); err != nil {
			return 0, err
		}
		p.inJob = true
	}
	n, err := p.q.Write(b)
	p.gen++
	gen := p.gen
	if p.timer != nil {
		p.timer.Stop()
	}
	p.timer = time.AfterFunc(p.idle, func() { p.idleEnd(gen) })
	return n, err
}

// idleEnd ends the job if no write came since the one that set the timer.
func (p *spoolPort) idleEnd(gen uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.gen {
		return
	}
	if err := p.endLocked(); err != nil {
		p.err = err
	}
}

// EndJob ends the job in progress, if any.
func (p *spoolPort) EndJob() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.endLocked()
}

func (p *spoolPort) endLocked() error {
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	if !p.inJob {
		return nil
	}
	p.inJob = false
	return p.q.EndJob()
}

// Close ends the job in progress and closes the queue.
func (p *spoolPort) Close() error {
	p.once.Do(func() { close(p.closed) })
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gen++
	err := p.endLocked()
	if cerr := p.q.Close(); err == nil {
		err = cerr
	}
	return err
}
