package link

import (
	"io"
	"sync"
)

// poller is implemented by ports whose Read returns (0, nil) within a
// short poll interval (the serial backends). Such a port is only closed
// by the goroutine that reads it, after its Read returned: go.bug.st
// closes the raw fd before waking a pending Read, and a Read that was
// already past select(2) would then read whatever file reused that fd
// number. Ports without it (pipes, custom openers) are closed to release
// a blocked Read.
type poller interface{ polls() }

// guarded wraps an open Port so that no write reaches a closed handle,
// the port is closed once, a stop request reaches the reader, and the
// first failure is remembered as the cause.
type guarded struct {
	p     Port
	polls bool

	mu   sync.RWMutex // writes hold R, fail holds W
	stop bool         // no more writes; the reader returns
	why  error

	once sync.Once
	cerr error
}

func newGuarded(p Port) *guarded {
	_, polls := p.(poller)
	return &guarded{p: p, polls: polls}
}

// writeAll writes all of b or returns the error.
func (g *guarded) writeAll(b []byte) error {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.stop {
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

// fail records why (if first; nil for a plain stop) and stops the port:
// no more writes, and the reader returns after its current Read. A port
// that does not poll is closed here to release that Read.
func (g *guarded) fail(why error) {
	g.mu.Lock()
	if g.why == nil {
		g.why = why
	}
	g.stop = true
	g.mu.Unlock()
	if !g.polls {
		_ = g.Close() // the owner's Close returns (and logs) the same error
	}
}

// stopped reports whether fail was called.
func (g *guarded) stopped() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.stop
}

// Close stops writes and closes the port once; concurrent callers wait
// for the first to finish.
func (g *guarded) Close() error {
	g.mu.Lock()
	g.stop = true
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
