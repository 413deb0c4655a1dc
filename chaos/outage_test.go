package chaos

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// TestBrokerDownWholeShift: no broker for a whole shift, then one comes
// up: everything drains, and the first health message after the connect
// reports the backlog it is about to drain.
func TestBrokerDownWholeShift(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos: about 40 seconds")
	}
	t.Parallel()
	const n = 12
	addr := testutil.FreeAddr(t)
	g := newLedger()
	l := newLane(t, "tcp://"+addr, "")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	c := start(t, l, g)
	defer c.stop(t)
	if err := <-l.play(t, ctx, alertShift(n)); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, "every alert detected", 30*time.Second, func() bool { d, _, _ := g.counts(); return d >= n })

	b, err := mqttbroker.Start(addr, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	g.subscribe(t, b)
	// The uplink's backoff has grown to up to 30s while the broker was away.
	testutil.WaitFor(t, "the backlog drained", 60*time.Second, func() bool { return len(g.missing()) == 0 })
	g.check(t)
	g.mu.Lock()
	first := g.health[0]
	g.mu.Unlock()
	if first.Buffer.Depth < n || first.Buffer.OldestAge <= 0 || first.Uplink.Connects != 1 {
		t.Errorf("first health after the outage: %+v, want depth >= %d and an oldest age", first, n)
	}
	testutil.WaitFor(t, "a health message with an empty outbox", 10*time.Second, func() bool {
		h, ok := g.lastHealth()
		return ok && h.Buffer.Depth == 0
	})
	h, _ := g.lastHealth()
	if h.BufferShed != 0 || h.Links["printer"].State != "up" || h.Links["terminal"].State != "up" || h.LastAlert.IsZero() || h.Clock.Source == "" {
		t.Errorf("health %+v", h)
	}
	d, r, dels := g.counts()
	t.Logf("%d alerts detected while the broker was down, %d received (%d deliveries); first health: depth %d, oldest %.1fs",
		d, r, dels, first.Buffer.Depth, first.Buffer.OldestAge)
}
