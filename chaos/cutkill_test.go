//go:build !windows

package chaos

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/journal"
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
	// The last payment_without_receipt would be decided receipt_wait plus
	// clock_skew after its payment.
	time.Sleep(l.cfg.Detect.ReceiptWait + l.cfg.Detect.ClockSkew + 2*time.Second)
	mismatches := 0
	for _, delta := range want {
		if delta != 0 {
			mismatches++
		}
	}
	deadline := time.Now().Add(60 * time.Second) // then the checks below say what is missing
	for time.Now().Before(deadline) {
		n := 0
		for _, a := range sub.All() {
			if a.Kind == detect.KindAmountMismatch && a.State == detect.Raised {
				n++
			}
		}
		if n >= mismatches {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.stop(t)

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
