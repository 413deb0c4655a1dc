package detect

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// BenchmarkDecisionLatency measures, per alert kind, how long after its
// evidence was complete the detector decided it, beyond the rule's own
// window (ARCHITECTURE.md: "decided as soon as its evidence is complete";
// the windows bound waiting, they are not a delay added to every alert).
// The lane is the incident shift of the engine tests (500 customers) plus
// refunds, voids, duplicates, partial approvals, receipts without payment
// and a wrong end-of-day (200 more), played with an exact timer: before each event the engine is
// advanced to every Deadline up to it, as a live agent with one timer
// would. Latency = (Detected - (decisive event + own window)) in event
// time, plus the wall time of the Observe or Advance call that returned
// the alert. Own windows, default config:
//
//   - at once (0 after the decisive event): print_failed (the later of
//     the job's end and the fault that failed it), partial_approval,
//     printer_fault, device_offline, settlement_mismatch,
//     refund_without_sale naming a sale the journal lacks, every resolved,
//     and amount_mismatch when the sale came first (the receipt is the
//     decisive event: a fault after its cut no longer changes the
//     mismatch, see Engine.pairSent; it waited StatusGrace, 3 s, before);
//   - amount_mismatch when the receipt came first: its match window (a
//     later sale may still meet its own receipt); on a refund, the first
//     of the refund's ReceiptWait and the refund receipt's match window;
//   - payment_without_receipt, duplicate_charge, refund_without_sale
//     (no refund receipt): ReceiptWait + ClockSkew after the sale;
//   - receipt_without_payment: MatchWindow + ClockSkew after the receipt.
//
// Reported per kind (one sub-benchmark each; its ns/op means nothing):
// p50_ms, p99_ms, alerts, and target_p99_ms (50) for the kinds decided at
// once.
func BenchmarkDecisionLatency(b *testing.B) {
	evs := latencyShift(3)
	cfg := DefaultConfig()
	lat := map[string][]time.Duration{}
	for _, d := range playTimed(New(cfg), evs) {
		k, beyond := beyondWindow(cfg, evs, d)
		lat[k] = append(lat[k], beyond)
	}
	kinds := slices.Sorted(func(yield func(string) bool) {
		for k := range lat {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range kinds {
		ls := lat[k]
		slices.Sort(ls)
		q := func(p float64) float64 { return float64(ls[int(p*float64(len(ls)-1))]) / 1e6 }
		b.Run(strings.ReplaceAll(k, "/", "_"), func(b *testing.B) {
			for b.Loop() { // the figures are per alert, not per op
			}
			b.ReportMetric(q(0.5), "p50_ms")
			b.ReportMetric(q(0.99), "p99_ms")
			b.ReportMetric(float64(len(ls)), "alerts")
			if atOnce(k) {
				b.ReportMetric(50, "target_p99_ms")
			}
		})
	}
}

// timed is an alert and the wall time of the call that returned it.
type timed struct {
	a    Alert
	wall time.Duration
}

// playTimed plays events with an exact timer (Advance at every Deadline
// before the next event, and after the last) and times each call.
func playTimed(e *Engine, evs []drivers.Event) []timed {
	var out []timed
	call := func(f func() []Alert) {
		start := time.Now()
		as := f()
		wall := time.Since(start)
		for _, a := range as {
			out = append(out, timed{a, wall})
		}
	}
	advanceTo := func(limit time.Time, all bool) {
		for {
			at, ok := e.NextDeadline()
			if !ok || (!all && at.After(limit)) {
				return
			}
			call(func() []Alert { return e.Advance(at) })
		}
	}
	for _, ev := range evs {
		advanceTo(ev.When(), false)
		call(func() []Alert { return e.Observe(ev) })
	}
	advanceTo(time.Time{}, true)
	return out
}

// atOnce reports whether a kind/state is decided at once by definition.
func atOnce(k string) bool {
	kind, state, _ := strings.Cut(k, "/")
	switch kind {
	case KindPrintFailed, KindPartialApproval, KindPrinterFault, KindDeviceOffline, KindSettlementMismatch:
		return true
	case KindAmountMismatch:
		return state == string(Raised) // not the receipt-first or refund variants
	case KindRefundWithoutSale:
		return state == "orphan"
	}
	return state == string(Resolved)
}

// beyondWindow returns an alert's kind (and state or variant) and its
// latency beyond the rule's own window.
func beyondWindow(cfg Config, evs []drivers.Event, d timed) (string, time.Duration) {
	a := d.a
	k := a.Kind + "/" + string(a.State)
	due := a.Time
	switch {
	case a.State == Resolved:
	case a.Kind == KindPrintFailed:
		due = failedBy(cfg, evs, a)
	case a.Kind == KindAmountMismatch && a.Payment.Type != string(drivers.PaySale):
		k = a.Kind + "/refund"
		due = minTime(a.Payment.Time.Add(cfg.wait()), a.Receipt.Time.Add(cfg.window()))
	case a.Kind == KindAmountMismatch && a.Receipt.Time.Add(cfg.ClockSkew).Before(a.Payment.Time):
		k = a.Kind + "/receipt_first"
		due = a.Receipt.Time.Add(cfg.window())
	case a.Kind == KindAmountMismatch:
		due = a.Receipt.Time
	case a.Kind == KindPaymentWithoutReceipt || a.Kind == KindDuplicateCharge:
		due = a.Payment.Time.Add(cfg.wait())
	case a.Kind == KindRefundWithoutSale && strings.Contains(a.Summary, "not in the journal"):
		k = a.Kind + "/orphan"
	case a.Kind == KindRefundWithoutSale:
		due = a.Payment.Time.Add(cfg.wait())
	case a.Kind == KindReceiptWithoutPayment:
		due = a.Receipt.Time.Add(cfg.window())
	}
	return k, a.Detected.Sub(due) + d.wall
}

// failedBy is when a failed job's failure was known: its end, or the
// first fault its printer reported after that within StatusGrace.
func failedBy(cfg Config, evs []drivers.Event, a Alert) time.Time {
	end := a.Receipt.Time
	if !a.Receipt.Cut {
		return end
	}
	var faultAt time.Time
	for _, ev := range evs {
		s, ok := ev.(*drivers.PrinterStatus)
		if !ok || s.Device != a.Device || s.Time.After(end.Add(cfg.StatusGrace)) {
			continue
		}
		if s.Fault() || s.NoReply {
			faultAt = s.Time // the last fault up to then: in force at the end or reported after it
		} else if !s.Time.After(end) {
			faultAt = time.Time{}
		}
	}
	if faultAt.After(end) {
		return faultAt
	}
	return end
}

// latencyShift is the incident shift of the engine tests (500 customers)
// followed by 200 customers of refunds, voids, duplicates, partial
// approvals and receipts without payment, and an end-of-day with a wrong
// total.
func latencyShift(seed uint64) []drivers.Event {
	evs := shift(seed, 500)
	base := time.Duration(500*40+600) * sec
	for i := range 200 {
		at := base + time.Duration(i)*60*sec
		tr := fmt.Sprintf("X%05d", i)
		no := fmt.Sprintf("X%03d", i)
		amt := int64(500 + 97*i)
		switch i % 6 {
		case 0: // over-refund: refund receipt, then the terminal refunds ten times as much
			evs = append(evs, rcpt(at, no, card(-amt)), refund(at+10*sec, amt*10, tr))
		case 1: // a void of a sale the journal never saw
			evs = append(evs, void(at, amt, tr, "Z"+tr))
		case 2: // swiped twice, one receipt
			evs = append(evs, sale(at, amt, tr), sale(at+40*sec, amt, tr+"b"), rcpt(at+43*sec, no, card(amt)))
		case 3: // partial approval
			evs = append(evs, with(sale(at, amt/2, tr), func(p *drivers.Payment) { p.Requested = amt }), rcpt(at+3*sec, no, card(amt/2), cash(amt-amt/2)))
		case 4: // refund with no register refund receipt
			evs = append(evs, refund(at, amt, tr))
		default: // a card receipt the terminal approved nothing for
			evs = append(evs, rcpt(at, no, card(amt)))
		}
	}
	// Two end-of-days: the first starts the period, the second is short.
	evs = append(evs, settle(base-300*sec, 0, 0, "", ""), settle(base+200*60*sec, 1, 1, "", ""))
	slices.SortStableFunc(evs, func(a, b drivers.Event) int { return cmp.Compare(a.When().UnixNano(), b.When().UnixNano()) })
	return evs
}
