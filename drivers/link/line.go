package link

import (
	"context"
	"fmt"
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
	peer *line  // bridge: where reads are forwarded; nil for a tap
	open Opener // opens this line's port; nil means the runner's Opener
	// onState, if set, is told when the port opens (true) and closes.
	onState func(up bool)

	cur atomic.Pointer[guarded] // the open port; nil while down

	wmu  sync.Mutex   // one writer at a time: forwarded bytes or an injected job
	last atomic.Int64 // wall-clock Unix nanoseconds of the last read (Injector's quiet check)
}

// run keeps the line open until ctx is done. It reports Down once per
// outage (also when the very first open fails) and Up on every open.
func (l *line) run(ctx context.Context, r *runner) {
	retry := newRetrier(r.retry)
	buf := make([]byte, readSize)
	reported := false // a Down was sent for the current outage
	last := ""        // the last open error logged in this outage
	for ctx.Err() == nil {
		open := l.open
		if open == nil {
			open = r.open
		}
		p, err := open(l.cfg)
		if err != nil {
			if !reported {
				r.emitState(l.idx, false, err)
				reported = true
			} else if err.Error() != last {
				// Still down, for a new reason (the adapter came back
				// but is busy or not permitted): worth one line.
				r.log.Warn("link: line still down", "line", l.side, "path", l.cfg.Path, "err", err)
			}
			last = err.Error()
			if !retry.wait(ctx) {
				return
			}
			continue
		}
		g := newGuarded(p)
		l.cur.Store(g)
		l.notify(true)
		r.emitState(l.idx, true, nil)
		reported, last = false, ""
		opened := time.Now()

		fired := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			defer close(fired)
			g.fail(nil) // releases a Read that polls or that only Close ends
		})
		got, err := l.pump(ctx, r, g, buf)
		if !stop() {
			<-fired
		}
		l.cur.Store(nil)
		l.notify(false)
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

func (l *line) notify(up bool) {
	if l.onState != nil {
		l.onState(up)
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
			l.last.Store(time.Now().UnixNano())
			r.emitChunk(l.dir, buf[:n])
			if l.peer != nil {
				l.peer.forward(buf[:n])
			}
		}
		if rerr != nil {
			return got, g.cause(fmt.Errorf("link: read %s (%s): %w", l.cfg.Path, l.cfg.Backend, rerr))
		}
		if g.stopped() {
			return got, g.cause(ctx.Err())
		}
	}
}

// forward writes b to this line's port. When the line is down the bytes
// are dropped (they were reported to the Sink). A write error fails the
// port: its reader stops and reports the line Down.
func (l *line) forward(b []byte) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	g := l.cur.Load()
	if g == nil {
		return
	}
	if err := g.writeAll(b); err != nil {
		g.fail(fmt.Errorf("link: write %s (%s): %w", l.cfg.Path, l.cfg.Backend, err))
	}
}
