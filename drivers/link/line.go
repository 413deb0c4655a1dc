package link

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// line is one port of a link: it opens, reads, reports and reopens.
type line struct {
	side string // "host" or "device"
	dir  drivers.Direction
	cfg  SerialConfig
	idx  int
	peer *line // bridge: where reads are forwarded; nil for a tap

	cur atomic.Pointer[guarded] // the open port; nil while down
}

// run keeps the line open until ctx is done. It reports Down once per
// outage (also when the very first open fails) and Up on every open.
func (l *line) run(ctx context.Context, r *runner) {
	retry := newRetrier(r.retry)
	buf := make([]byte, readSize)
	reported := false // a Down was sent for the current outage
	for ctx.Err() == nil {
		p, err := r.open(l.cfg)
		if err != nil {
			if !reported {
				r.emitState(l.idx, false, err)
				reported = true
			}
			if !retry.wait(ctx) {
				return
			}
			continue
		}
		g := &guarded{p: p}
		l.cur.Store(g)
		r.emitState(l.idx, true, nil)
		reported = false
		opened := time.Now()

		fired := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			defer close(fired)
			g.fail(nil) // closing releases a blocked Read
		})
		got, err := l.pump(ctx, r, g, buf)
		if !stop() {
			<-fired
		}
		l.cur.Store(nil)
		if cerr := g.Close(); cerr != nil {
			r.log.Warn("link: close", "line", l.side, "path", l.cfg.Path, "err", cerr)
		}
		if ctx.Err() != nil {
			return
		}
		r.emitState(l.idx, false, err)
		reported = true
		if got || time.Since(opened) >= r.retry.Max {
			retry.reset() // it worked for a while: retry fast
		}
		if !retry.wait(ctx) {
			return
		}
	}
}

// pump reads until the port fails or ctx is done. Each read is queued for
// the Sink first (so an answer cannot overtake its request) and then
// forwarded to the peer. got says whether any byte arrived.
func (l *line) pump(ctx context.Context, r *runner, g *guarded, buf []byte) (got bool, err error) {
	for {
		n, rerr := g.p.Read(buf)
		if n > 0 {
			got = true
			r.emitChunk(l.dir, buf[:n])
			if l.peer != nil {
				l.peer.forward(buf[:n])
			}
		}
		if rerr != nil {
			return got, g.cause(fmt.Errorf("link: read %s (%s): %w", l.cfg.Path, l.cfg.Backend, rerr))
		}
		if ctx.Err() != nil {
			return got, ctx.Err()
		}
	}
}

// forward writes b to this line's port. When the line is down the bytes
// are dropped (they were reported to the Sink). A write error fails the
// port: its reader wakes up and reports the line Down.
func (l *line) forward(b []byte) {
	g := l.cur.Load()
	if g == nil {
		return
	}
	if err := g.writeAll(b); err != nil {
		g.fail(fmt.Errorf("link: write %s (%s): %w", l.cfg.Path, l.cfg.Backend, err))
	}
}

// guarded wraps an open Port so that no write reaches a closed handle
// (go.bug.st writes to the raw fd, which may be reused after close), the
// port is closed once, and the first failure is remembered as the cause.
type guarded struct {
	p Port

	mu     sync.RWMutex // writes hold R, fail holds W
	closed bool
	why    error

	once sync.Once
	cerr error
}

// writeAll writes all of b or returns the error.
func (g *guarded) writeAll(b []byte) error {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.closed {
		return errClosed
	}
	for len(b) > 0 {
		n, err := g.p.Write(b)
		if err != nil {
			return err
		}
		if n == 0 {
			return io.ErrShortWrite
		}
		b = b[n:]
	}
	return nil
}

// fail records why (if first) and closes the port.
func (g *guarded) fail(why error) {
	g.mu.Lock()
	if g.why == nil {
		g.why = why
	}
	g.closed = true
	g.mu.Unlock()
	_ = g.Close() // the owner's Close returns (and logs) the same error
}

// Close closes the port once; concurrent callers wait for it.
func (g *guarded) Close() error {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.once.Do(func() { g.cerr = g.p.Close() })
	return g.cerr
}

// cause is the recorded failure, or err when there is none.
func (g *guarded) cause(err error) error {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.why != nil {
		return g.why
	}
	return err
}
