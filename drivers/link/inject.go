package link

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Errors of Injector.Inject (wrapped).
var (
	// ErrNotRunning: no Run of a bridge holds the Injector.
	ErrNotRunning = errors.New("link: the link is not running")
	// ErrHostSending: the register kept sending; no quiet moment came in time.
	ErrHostSending = errors.New("link: printer busy: the register is sending")
	// ErrDeviceDown: the device side of the bridge is not open.
	ErrDeviceDown = errors.New("link: the device line is down")
)

// Injector lets the agent send a job of its own toward a bridged device
// (a receipt reprint) between the register's jobs. Set it on a Bridge,
// TCPBridge or USBLP before Run; a tap cannot write and has none.
//
// A job is written only after the register side has been quiet for the
// asked time, and the register's bytes wait while it is written, so the
// two never interleave on the device. The job is also reported to the Sink
// as bytes from the host, before it is written, so the decoders see it in
// order with the register's jobs.
type Injector struct {
	mu  sync.Mutex
	att *attachment // set while a Run is on
}

// attachment is what one Run lends its Injector.
type attachment struct {
	r         *runner
	host, dev *line
	// dial, for a TCP bridge, opens a connection of its own to the device
	// when no register session is on.
	dial func(ctx context.Context) (net.Conn, error)
}

func (in *Injector) attach(a *attachment) {
	if in == nil {
		return
	}
	in.mu.Lock()
	in.att = a
	in.mu.Unlock()
}

func (in *Injector) detach(a *attachment) {
	if in == nil {
		return
	}
	in.mu.Lock()
	if in.att == a {
		in.att = nil
	}
	in.mu.Unlock()
}

// Inject writes job to the device once the register side has been quiet
// for quiet, waiting for such a moment until ctx is done (then ErrHostSending).
// It returns after the job was written (for a TCP bridge: sent on a
// connection of its own, which is then closed).
func (in *Injector) Inject(ctx context.Context, job []byte, quiet time.Duration) error {
	in.mu.Lock()
	a := in.att
	in.mu.Unlock()
	if a == nil {
		return fmt.Errorf("link: inject: %w", ErrNotRunning)
	}
	poll := min(quiet/4+time.Millisecond, 50*time.Millisecond)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("link: inject: %w (%w)", ErrHostSending, ctx.Err())
		case <-timer.C:
		}
		done, err := a.try(ctx, job, quiet)
		if done {
			return err
		}
		timer.Reset(poll)
	}
}

// recent says whether l read within d.
func (l *line) recent(d time.Duration) bool {
	return time.Since(time.Unix(0, l.last.Load())) < d
}

// try writes job if the register is quiet; done says it was attempted.
func (a *attachment) try(ctx context.Context, job []byte, quiet time.Duration) (done bool, err error) {
	if a.dial != nil {
		return a.tryConn(ctx, job, quiet)
	}
	a.dev.wmu.Lock() // the register's forwarded bytes wait from here
	defer a.dev.wmu.Unlock()
	if a.host.recent(quiet) {
		return false, nil
	}
	g := a.dev.cur.Load()
	if g == nil {
		return true, fmt.Errorf("link: inject: %w", ErrDeviceDown)
	}
	a.r.emitChunk(drivers.FromHost, job)
	a.dev.endJobOn(g) // a spooler: the register's job ends, the injected one is a job of its own
	if err := g.writeAll(job); err != nil {
		err = fmt.Errorf("link: inject: write %s: %w", a.dev.cfg.Path, err)
		g.fail(err)
		return true, err
	}
	a.dev.endJobOn(g)
	return true, nil
}

// tryConn is try for a TCP bridge: between register sessions, on a
// connection of its own.
func (a *attachment) tryConn(ctx context.Context, job []byte, quiet time.Duration) (bool, error) {
	if a.host.cur.Load() != nil || a.host.recent(quiet) {
		return false, nil // a register session is on: that is a job in progress
	}
	c, err := a.dial(ctx)
	if err != nil {
		return true, fmt.Errorf("link: inject: %w: dial %s: %w", ErrDeviceDown, a.dev.cfg.Path, err)
	}
	defer c.Close()
	a.r.emitChunk(drivers.FromHost, job)
	_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(job); err != nil {
		return true, fmt.Errorf("link: inject: write %s: %w", a.dev.cfg.Path, err)
	}
	// Let the printer take it all before the close: half-close, then read
	// (and drop) what it answers until it closes or for a moment.
	if closeWrite(c) == nil {
		_ = c.SetReadDeadline(time.Now().Add(time.Second))
		_, _ = io.Copy(io.Discard, c)
	}
	return true, nil
}
