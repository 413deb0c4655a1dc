package fleet

import (
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"time"
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
//
// With several upstreams (the nodes of a cluster) the gate is also the
// load balancer in front of them: each new connection goes to the next
// upstream in turn, or to the one after it when that one refuses.
type gate struct {
	ln        net.Listener
	upstreams []string

	mu    sync.Mutex
	open  bool
	conns map[net.Conn]struct{}
	next  int         // the upstream the next connection tries first
	per   []int       // forwarded connections per upstream
	down  []time.Time // an upstream that refused is skipped until then
	wg    sync.WaitGroup
}

// newGate listens on a free loopback port and forwards to upstreams
// (host:port each); it starts open.
func newGate(upstreams ...string) (*gate, error) {
	if len(upstreams) == 0 {
		return nil, errors.New("fleet: gate: no upstream")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fleet: gate: %w", err)
	}
	g := &gate{ln: ln, upstreams: upstreams, open: true, conns: map[net.Conn]struct{}{},
		per: make([]int, len(upstreams)), down: make([]time.Time, len(upstreams))}
	g.wg.Go(g.accept)
	return g, nil
}

// spread is the number of forwarded connections per upstream.
func (g *gate) spread() []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.per)
}

// dial connects to the next upstream in turn that is not known to be
// down, as a load balancer with health checks would: the lanes of a
// failed node spread evenly over the others. An upstream that refuses is
// skipped for downFor; when all are down, each is tried.
func (g *gate) dial() (net.Conn, int, error) {
	var errs []error
	for range 2 * len(g.upstreams) {
		i, ok := g.pick()
		if !ok {
			break
		}
		up, err := net.DialTimeout("tcp", g.upstreams[i], dialTimeout)
		if err == nil {
			return up, i, nil
		}
		errs = append(errs, err)
		g.mu.Lock()
		g.down[i] = time.Now().Add(downFor)
		g.mu.Unlock()
	}
	for i, addr := range g.upstreams { // all known down: try each anyway
		up, err := net.DialTimeout("tcp", addr, dialTimeout)
		if err == nil {
			return up, i, nil
		}
		errs = append(errs, err)
	}
	return nil, 0, errors.Join(errs...)
}

// pick is the next upstream in turn not known to be down.
func (g *gate) pick() (int, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	for range g.upstreams {
		i := g.next
		g.next = (g.next + 1) % len(g.upstreams)
		if now.After(g.down[i]) {
			return i, true
		}
	}
	return 0, false
}

// downFor is how long an upstream that refused a connection is skipped.
const downFor = time.Second

// dialTimeout bounds one connection attempt to an upstream.
const dialTimeout = 2 * time.Second

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
	up, i, err := g.dial()
	if err != nil {
		g.untrack(c)
		return
	}
	if !g.track(up) {
		_ = up.Close()
		g.untrack(c)
		return
	}
	g.count(i, 1)
	defer g.count(i, -1)
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

func (g *gate) count(i, d int) {
	g.mu.Lock()
	g.per[i] += d
	g.mu.Unlock()
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
