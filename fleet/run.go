package fleet

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
)

// settleTimeout bounds the waits for every lane to connect, to notice a
// broker crash, and to reconnect after it.
const settleTimeout = 2 * time.Minute

// rampBatch is how many lanes connect at once when a run starts.
const rampBatch = 250

// pollEvery is how often Run looks at lane connections, outboxes and the
// ledger while it waits for them.
const pollEvery = 20 * time.Millisecond

// Run plays cfg's busy hour and returns what arrived. The error is about
// the run itself (a broker that never accepted the lanes, an outbox that
// failed, a drain that timed out: the report says what was missing);
// whether the delivery contract held is Report.Err.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	db, err := buffer.Open(cfg.Dir, buffer.DefaultOptions(), nil)
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	defer db.Close()
	led := NewLedger(cfg.Consumers)
	rep := &Report{Config: cfg}

	var consumers []Member
	defer func() {
		for _, c := range consumers {
			_ = c.Close() // best effort: the run's result is already decided
		}
		_ = cfg.Consume.Close()
	}()
	for i := range cfg.Consumers {
		c, err := cfg.Consume.Join(i, led)
		if err != nil {
			return nil, err
		}
		consumers = append(consumers, c)
	}

	laneURL := cfg.Broker
	var g *gate
	if len(cfg.Spread) > 0 || (cfg.Restart != nil && !cfg.NoGate) {
		hosts, err := hostsOf(cfg.Broker, cfg.Spread)
		if err != nil {
			return nil, err
		}
		if g, err = newGate(hosts...); err != nil {
			return nil, err
		}
		defer g.Close()
		laneURL = g.URL()
	}
	lanes := make([]*lane, cfg.Lanes)
	for i := range lanes {
		lanes[i] = newLane(cfg, i, laneURL, db, led)
	}
	upCtx, stopUplinks := context.WithCancel(ctx)
	var upWG sync.WaitGroup
	defer func() {
		stopUplinks()
		upWG.Wait()
	}()
	// The lanes come online in batches, each connected before the next
	// starts: thousands of lanes connecting at once on a small machine
	// time out their CONNACKs and back off together, and never settle.
	for from := 0; from < len(lanes); from += rampBatch {
		batch := lanes[from:min(from+rampBatch, len(lanes))]
		for _, l := range batch {
			upWG.Go(func() { _ = l.up.Run(upCtx) }) // Run fails only on a bad Config, checked by the Connected wait
		}
		if err := waitFor(ctx, settleTimeout, "every lane connected", func() bool { return connected(lanes[:from+len(batch)]) == from+len(batch) }); err != nil {
			return nil, fmt.Errorf("%w (%d of %d connected)", err, connected(lanes), len(lanes))
		}
	}
	if g != nil {
		rep.SpreadStart = g.spread()
	}
	cpu := cpuMeter{err: errors.New("not measured: no broker process id")}
	mem := &memMeter{pids: func() []int { return nil }}
	if cfg.Restart != nil {
		cpu = cpuMeter{pids: cfg.Restart.Pids}
		mem = &memMeter{pids: cfg.Restart.Pids}
	}
	selfPid := func() []int { return []int{os.Getpid()} }
	self := cpuMeter{pids: selfPid}
	selfMem := &memMeter{pids: selfPid}
	memCtx, stopMem := context.WithCancel(ctx)
	var memWG sync.WaitGroup
	memWG.Go(func() { mem.run(memCtx) })
	memWG.Go(func() { selfMem.run(memCtx) })
	defer func() {
		stopMem()
		memWG.Wait()
	}()
	cpu.mark()
	self.mark()

	clk := newClock(cfg.Speed)
	feedCtx, stopFeeds := context.WithCancel(ctx)
	defer stopFeeds()
	var feedWG sync.WaitGroup
	errs := make(chan error, len(lanes))
	end := ShiftStart.Add(cfg.Hour)
	for _, l := range lanes {
		feedWG.Go(func() {
			if err := l.feed(feedCtx, clk, cfg.TickInterval, end); err != nil {
				errs <- err
				stopFeeds()
			}
		})
	}
	if cfg.Restart != nil {
		f := &fleet{lanes: lanes, consumers: consumers, gate: g, node: slices.Index(cfg.Spread, cfg.Restart.URL())}
		out, err := crash(ctx, cfg, clk, f, &cpu)
		rep.Outage = out
		if err != nil {
			stopFeeds()
			feedWG.Wait()
			return rep, err
		}
	}
	feedWG.Wait()
	rep.ShiftWall = time.Since(clk.wall0)
	close(errs)
	if err := errors.Join(drainErrs(errs)...); err != nil {
		return rep, err
	}

	derr := waitFor(ctx, cfg.DrainTimeout, "every alert delivered", func() bool {
		return led.Outstanding() == 0 && pending(lanes) == 0
	})
	rep.Wall = time.Since(clk.wall0)
	cpu.mark()
	self.mark()
	rep.BrokerCPU, rep.BrokerCPUErr = cpu.total, cpu.err
	rep.SelfCPU = self.total
	stopMem()
	memWG.Wait()
	rep.BrokerMem, rep.BrokerMemErr = mem.result()
	rep.SelfMem, _ = selfMem.result()
	if g != nil {
		rep.SpreadEnd = g.spread()
	}
	for _, l := range lanes {
		st := l.up.Stats()
		rep.Published += st.Published
		rep.Acked += st.Acked + st.DeadLettered
		rep.Reconnects += st.Reconnects
	}
	rep.Pending = pending(lanes)
	rep.Tally = led.Tally()
	return rep, derr
}

// fleet is what crash needs to watch.
type fleet struct {
	lanes     []*lane
	consumers []Member
	gate      *gate // nil: the lanes connect straight to the broker
	// node is the index of the restarted node among the gate's
	// upstreams, -1 when the lanes have one broker.
	node int
}

// hostsOf is the host:port of each broker URL: the nodes in spread, or
// broker alone.
func hostsOf(broker string, spread []string) ([]string, error) {
	urls := spread
	if len(urls) == 0 {
		urls = []string{broker}
	}
	var hosts []string
	for _, s := range urls {
		u, err := url.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("fleet: broker URL: %w", err)
		}
		hosts = append(hosts, u.Host)
	}
	return hosts, nil
}

// crash kills the broker at cfg.OutageAt on the virtual clock (frozen
// first, when it can be, until publications are in flight), waits until
// every lane saw its connection end and OutageFor passed, starts it again,
// and waits until every lane is back. With a gate, the lanes stay out
// until every consumer has subscribed again.
//
// In a cluster (f.node >= 0) only the lanes on the killed node lose their
// connection; they reconnect through the balancer to the other nodes at
// once, and the node comes back at OutageAt+OutageFor to a cluster that
// never stopped.
func crash(ctx context.Context, cfg Config, clk *clock, f *fleet, cpu *cpuMeter) (*Outage, error) {
	if err := sleep(ctx, clk.until(ShiftStart.Add(cfg.OutageAt))); err != nil {
		return nil, err
	}
	out := &Outage{At: clk.now().Sub(ShiftStart), Gated: f.gate != nil && f.node < 0, Node: f.node}
	if fz, ok := cfg.Restart.(Freezer); ok {
		if err := fz.Freeze(); err != nil {
			return out, fmt.Errorf("fleet: freeze broker: %w", err)
		}
		// Not finding any is no failure: a quiet moment has none.
		_ = waitFor(ctx, freezeFor, "publications in flight", func() bool { return unacked(f.lanes) >= minInFlight })
	}
	out.InFlight = unacked(f.lanes)
	if f.gate != nil {
		out.SpreadBefore = f.gate.spread()
	}
	cpu.mark()
	stopped := time.Now()
	if err := cfg.Restart.Stop(); err != nil {
		return out, fmt.Errorf("fleet: stop broker: %w", err)
	}
	gone := func() bool { return connected(f.lanes) == 0 }
	if f.node >= 0 {
		gone = func() bool { return f.gate.spread()[f.node] == 0 }
	} else if out.Gated {
		f.gate.setOpen(false)
	}
	if err := waitFor(ctx, settleTimeout, "every lane on the stopped broker disconnected", gone); err != nil {
		return out, err
	}
	out.Noticed = time.Since(stopped)
	if f.node >= 0 {
		if err := waitFor(ctx, settleTimeout, "every lane reconnected to the other nodes", func() bool { return connected(f.lanes) == len(f.lanes) }); err != nil {
			return out, err
		}
		out.FailedOver = time.Since(stopped)
		out.SpreadDown = f.gate.spread()
	}
	if err := sleep(ctx, clk.until(ShiftStart.Add(cfg.OutageAt+cfg.OutageFor))); err != nil {
		return out, err
	}
	subs := make([]uint64, len(f.consumers))
	for i, c := range f.consumers {
		subs[i] = c.Subscribed()
	}
	if err := cfg.Restart.Start(); err != nil {
		return out, fmt.Errorf("fleet: start broker: %w", err)
	}
	started := time.Now()
	out.Down = started.Sub(stopped)
	cpu.mark()
	if out.Gated {
		if err := waitFor(ctx, settleTimeout, "every consumer subscribed again", func() bool {
			for i, c := range f.consumers {
				if c.Subscribed() == subs[i] {
					return false
				}
			}
			return true
		}); err != nil {
			return out, err
		}
		out.Resubscribed = time.Since(started)
		f.gate.setOpen(true)
	}
	if err := waitFor(ctx, settleTimeout, "every lane reconnected", func() bool { return connected(f.lanes) == len(f.lanes) }); err != nil {
		return out, err
	}
	out.Reconnected = time.Since(started)
	return out, nil
}

// freezeFor bounds how long a frozen broker waits for minInFlight
// publications in flight before it is killed.
const (
	freezeFor   = 3 * time.Second
	minInFlight = 20
)

// unacked is the number of publications the lanes sent and have no PUBACK
// for yet.
func unacked(lanes []*lane) int {
	n := 0
	for _, l := range lanes {
		st := l.up.Stats()
		n += int(st.Published - st.Acked - st.DeadLettered)
	}
	return n
}

func connected(lanes []*lane) int {
	n := 0
	for _, l := range lanes {
		if l.up.Connected() {
			n++
		}
	}
	return n
}

// pending is the number of entries left in all outboxes (-1 on an error).
func pending(lanes []*lane) int {
	n := 0
	for _, l := range lanes {
		k, err := l.outbox.Len()
		if err != nil {
			return -1
		}
		n += k
	}
	return n
}

func drainErrs(ch <-chan error) []error {
	var out []error
	for err := range ch {
		out = append(out, err)
	}
	return out
}

// waitFor polls cond until it holds, ctx is done or timeout passes.
func waitFor(ctx context.Context, timeout time.Duration, what string, cond func() bool) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("fleet: waiting for %s: %w", what, ctx.Err())
		case <-deadline.C:
			return fmt.Errorf("fleet: %s: not within %v", what, timeout)
		case <-t.C:
		}
	}
	return nil
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
