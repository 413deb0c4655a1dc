package chaos

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// kills is how many times TestKill9 kills the agent.
const kills = 20

// TestKill9 kills the agent with SIGKILL 20 times at random moments of a
// busy shift (an alert about every second) while the broker goes down and
// comes back on the same port. Afterwards every alert any agent process
// reported as detected (its "alert" log line is written only once the
// alert is durable in the outbox) has reached the subscriber, and each
// incident state arrived under one id only.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos: about a minute")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 9))
	quiet := lanetest.Quiet()
	b := lanetest.Broker(t, quiet)
	addr := b.Addr()
	g := newLedger()
	g.subscribe(t, b)
	l := newLane(t, b.URL(), "")
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()

	c := start(t, l, g)
	const checkouts = 45
	began := time.Now()
	played := l.play(t, ctx, alertShift(checkouts))

	// The broker goes down for 0.3-2s every 2-5s until the kills are over.
	var bmu sync.Mutex
	cur := b
	flapCtx, stopFlap := context.WithCancel(ctx)
	flapped := make(chan int)
	go func() {
		r := rand.New(rand.NewPCG(seed, 7))
		n := 0
		defer func() { flapped <- n }()
		for {
			if sleep(flapCtx, time.Duration(2000+r.IntN(3000))*time.Millisecond) != nil {
				return
			}
			bmu.Lock()
			_ = cur.Close()
			bmu.Unlock()
			n++
			_ = sleep(flapCtx, time.Duration(300+r.IntN(1700))*time.Millisecond)
			for {
				nb, err := mqttbroker.Start(addr, quiet)
				if err == nil {
					g.subscribe(t, nb)
					bmu.Lock()
					cur = nb
					bmu.Unlock()
					break
				}
				time.Sleep(50 * time.Millisecond) // the port is being released
			}
			if flapCtx.Err() != nil {
				return
			}
		}
	}()

	for range kills {
		_ = sleep(ctx, time.Duration(800+rng.IntN(1700))*time.Millisecond)
		c.kill(t)
		c = start(t, l, g)
	}
	lastKill := time.Since(began)
	stopFlap()
	outages := <-flapped
	t.Cleanup(func() {
		bmu.Lock()
		_ = cur.Close()
		bmu.Unlock()
	})
	if err := <-played; err != nil {
		t.Fatalf("shift: %v", err)
	}
	// The sales after the last kill that never get a receipt are decided
	// receipt_wait after each: wait for those decisions to arrive, every
	// one of them (no agent died near them), not for a fixed time.
	late := noReceiptAfter(checkouts, lastKill+time.Second)
	if len(late) == 0 {
		t.Fatalf("no receiptless sale after the last kill at %v: the shift is too short to check late alerts", lastKill)
	}
	wait := l.cfg.Detect.ReceiptWait + l.cfg.Detect.ClockSkew + 60*time.Second
	for deadline := time.Now().Add(wait); len(g.missingNoReceipt(late)) > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no payment_without_receipt after %v for the receiptless sales %v after the last kill (at %v); received for %v",
				wait, g.missingNoReceipt(late), lastKill.Round(time.Millisecond), g.receivedNoReceipt())
		}
	}
	testutil.WaitFor(t, "every detected alert at the subscriber", 60*time.Second, func() bool { return len(g.missing()) == 0 })
	c.stop(t)
	g.check(t)
	det, rec, dels := g.counts()
	t.Logf("%d kills, %d broker outages: %d alerts detected, %d distinct ids received in %d deliveries", kills, outages, det, rec, dels)
	if det < 15 {
		t.Fatalf("only %d alerts detected: the shift was not busy enough to prove anything", det)
	}
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
