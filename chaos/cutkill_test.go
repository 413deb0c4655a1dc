//go:build !windows

package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/agent/status"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// cutKills is how many points after a cut TestKillAfterCut kills at.
const cutKills = 13

// TestKillAfterCut kills the agent (a child process, SIGKILL) at 13 points
// from 100 ms to 3 s after it read the cut of a card receipt: the window in
// which the receipt was only in the decoder (held for a drawer kick) and
// used to die with the process. Every other checkout is under-charged.
// After each kill a new agent starts on the same data directory. In the
// end the journal holds every receipt exactly once, each under-charge is
// reported as amount_mismatch with its delta, and no payment_without_receipt
// or receipt_without_payment is raised. A last checkout is followed at once
// by a clean stop (SIGTERM) instead, with the same outcome.
//
// The points start at 100 ms: a read becomes durable with a synced write
// once its burst has ended (20 ms without input, see agent.rawQuiet) plus
// the fsync, and a kill before that loses what the dead process read (as
// an unplugged cable would); bytes not read yet stay in the pty for the
// next agent.
func TestKillAfterCut(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos: about a minute")
	}
	b := lanetest.Broker(t, lanetest.Quiet())
	sub := lanetest.Collect(t, b)
	l := newLane(t, b.URL(), "")
	l.cfg.HTTP.Address = "127.0.0.1:0" // waitSettled reads its status page
	l.save(t)
	g := newLedger()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	c := start(t, l, g)
	want := map[string]int64{}    // receipt number -> expected delta (0: clean)
	for i := range cutKills + 1 { // the last round stops the agent cleanly instead
		no := fmt.Sprintf("%04d", 7000+i)
		trace := fmt.Sprintf("%06d", 700+i)
		// Amounts differ per checkout, so no payment can pair with a
		// neighbour's receipt.
		total := int64(10000 + 100*i)
		paid := total
		if i%2 == 1 {
			paid = total / 10 // keyed 10.10 for 101.00
		}
		want[no] = paid - total
		// The sale first; once the agent has read it (and so is up), the
		// receipt 300 ms later.
		play(t, ctx, l, sim.Action{Sale: &sim.CardSale{Requested: paid, Currency: 156, Trace: trace, ReceiptNo: no, AuthCode: "A" + trace,
			PAN: fmt.Sprintf("622588EEEEEE%04d", i), Terminal: "52523535"}})
		testutil.WaitFor(t, "the agent to read the sale", 30*time.Second, func() bool {
			h, err1 := l.wires.Unread(sim.TerminalHost)
			d, err2 := l.wires.Unread(sim.TerminalDevice)
			return err1 == nil && err2 == nil && h+d == 0
		})
		play(t, ctx, l, sim.Action{At: 300 * time.Millisecond, Print: &sim.Receipt{Number: no, Items: []sim.Item{{Name: "GROCERIES", Amount: total}},
			Tenders: []sim.Tender{{Kind: "card", Amount: total}}}})
		testutil.WaitFor(t, "the agent to read the receipt", 30*time.Second, func() bool {
			n, err := l.wires.Unread(sim.PrinterHost)
			return err == nil && n == 0
		})
		if i == cutKills {
			c.stop(t) // SIGTERM right after the cut: the held receipt is written
			c = start(t, l, g)
			break
		}
		d := 100*time.Millisecond + time.Duration(i)*(3*time.Second-100*time.Millisecond)/(cutKills-1)
		if err := sleep(ctx, d); err != nil {
			t.Fatal(err)
		}
		c.kill(t)
		c = start(t, l, g)
	}
	// A false payment_without_receipt would be decided receipt_wait plus
	// clock_skew after its payment: wait until the agent has decided
	// everything it read and delivered what it stored. Every alert the
	// agents logged as stored must then reach the subscriber.
	waitSettled(t, c, 2*time.Minute)
	c.stop(t)
	testutil.WaitFor(t, "every stored alert to reach the subscriber", 30*time.Second, func() bool {
		got := map[string]bool{}
		for _, a := range sub.All() {
			got[a.ID] = true
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		for id := range g.detected {
			if !got[id] {
				return false
			}
		}
		return true
	})

	if errs := sub.Errs(); len(errs) > 0 {
		t.Errorf("messages on the alert topics that are no alert: %v", errs)
	}
	got := map[string]bool{}
	for _, a := range sub.All() {
		if a.State != detect.Raised {
			continue
		}
		no := ""
		if a.Receipt != nil {
			no = a.Receipt.Number
		}
		switch {
		case a.Kind == detect.KindAmountMismatch && a.Delta != nil && want[no] != 0 && *a.Delta == want[no]:
			if got[no] {
				t.Errorf("receipt %s: amount_mismatch raised twice (ids differ)", no)
			}
			got[no] = true
		default:
			t.Errorf("unexpected alert %s: %s", a.Kind, a.Summary)
		}
	}
	for no, delta := range want {
		if delta != 0 && !got[no] {
			t.Errorf("receipt %s: under-charge by %d never reported", no, -delta)
		}
	}
	checkReceipts(t, l.cfg.DataDir, want)
}

// waitSettled waits until the agent c has decided everything it read and
// delivered every alert it stored (its /status.json: decided, outbox depth
// 0): from then on no alert comes without new input. The lane must serve
// its status page (http.address).
func waitSettled(t *testing.T, c *child, timeout time.Duration) {
	t.Helper()
	var url string
	select {
	case url = <-c.status:
	case <-time.After(timeout):
		t.Fatalf("the agent did not serve its status page within %s", timeout)
	}
	var last string
	testutil.WaitFor(t, "the agent to decide everything and deliver its alerts", timeout, func() bool {
		resp, err := http.Get(url + "status.json")
		if err != nil {
			last = err.Error()
			return false
		}
		defer resp.Body.Close()
		var s status.Snapshot
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatalf("%sstatus.json: %v", url, err)
		}
		last = fmt.Sprintf("decided %v, outbox depth %d, windows %v", s.Decided, s.OutboxDepth, s.Windows)
		return s.Decided && s.OutboxDepth == 0
	})
	t.Logf("agent settled: %s", last)
}

// play plays one action on the lane's wires and returns when it is written.
func play(t *testing.T, ctx context.Context, l *lane, a sim.Action) {
	t.Helper()
	writes, err := sim.Compile([]sim.Action{a})
	if err != nil {
		t.Fatal(err)
	}
	if err := (&sim.Player{Out: l.wires.Writer}).Play(ctx, writes); err != nil {
		t.Fatal(err)
	}
}

// checkReceipts reads the journal of a stopped agent: every receipt number
// in want is there exactly once.
func checkReceipts(t *testing.T, dir string, want map[string]int64) {
	t.Helper()
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := map[string]int{}
	err = journal.New(db).Range(time.Time{}, time.Time{}, func(_ string, ev drivers.Event) error {
		if r, ok := ev.(*drivers.Receipt); ok {
			count[r.Number]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for no := range want {
		if count[no] != 1 {
			t.Errorf("receipt %s is in the journal %d times, want once", no, count[no])
		}
	}
}
