package fleet

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// gate is a loopback TCP forwarder between the lanes and the broker that
// can be shut: a shut gate cuts its connections and closes new ones at
// once, which a lane sees as a broker that is still down.
//
// It exists because mosquitto 2.0 keeps a persistent session's plain
// subscriptions across a restart but not its shared ones: until the
// consumers subscribe again, the broker acknowledges alerts on the share
// group's topics and drops them. Run keeps the gate shut from the crash
// until every consumer has its subscription back, the order a deployment
// gets when its consumers sit next to the broker and its stores reconnect
// over a WAN with backoff. Config.NoGate turns it off to show the loss.
type gate struct {
	ln       net.Listener
	upstream string

	mu    sync.Mutex
	open  bool
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// newGate listens on a free loopback port and forwards to upstream
// (host:port); it starts open.
func newGate(upstream string) (*gate, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fleet: gate: %w", err)
	}
	g := &gate{ln: ln, upstream: upstream, open: true, conns: map[net.Conn]struct{}{}}
	g.wg.Go(g.accept)
	return g, nil
}

// URL is the gate's address as a broker URL.
func (g *gate) URL() string { return "tcp://" + g.ln.Addr().String() }

func (g *gate) accept() {
	for {
		c, err := g.ln.Accept()
		if err != nil {
			return // closed
		}
		if !g.track(c) {
			_ = c.Close()
			continue
		}
		g.wg.Go(func() { g.forward(c) })
	}
}

// track registers c if the gate is open.
func (g *gate) track(c net.Conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.open {
		return false
	}
	g.conns[c] = struct{}{}
	return true
}

func (g *gate) untrack(cs ...net.Conn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range cs {
		delete(g.conns, c)
		_ = c.Close()
	}
}

// forward pipes c to a new upstream connection until either side ends.
func (g *gate) forward(c net.Conn) {
	up, err := net.Dial("tcp", g.upstream)
	if err != nil {
		g.untrack(c)
		return
	}
	if !g.track(up) {
		_ = up.Close()
		g.untrack(c)
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src) // ends with either side: both are closed below
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	g.untrack(c, up)
	<-done
}

// setOpen opens or shuts the gate; shutting cuts every connection.
func (g *gate) setOpen(open bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open = open
	if !open {
		for c := range g.conns {
			_ = c.Close()
		}
	}
}

// Close stops listening, cuts every connection and waits for the
// forwarders.
func (g *gate) Close() error {
	err := g.ln.Close()
	g.setOpen(false)
	g.wg.Wait()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("fleet: gate: %w", err)
	}
	return nil
}
