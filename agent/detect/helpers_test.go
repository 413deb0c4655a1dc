package detect

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// t0 is the start of every test shift.
var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

const sec = time.Second

// step is one thing that happens in a scenario: an event to observe, or
// (ev nil) the clock advancing to t0+adv.
type step struct {
	ev  drivers.Event
	adv time.Duration
}

func obs(ev drivers.Event) step { return step{ev: ev} }
func adv(d time.Duration) step  { return step{adv: d} }
func card(amount int64) drivers.Tender {
	return drivers.Tender{Kind: drivers.TenderCard, Label: "CARD", Amount: amount}
}
func cash(amount int64) drivers.Tender {
	return drivers.Tender{Kind: drivers.TenderCash, Label: "CASH", Amount: amount}
}

// sale is an approved EUR card sale on the terminal.
func sale(at time.Duration, amount int64, trace string) *drivers.Payment {
	return &drivers.Payment{
		Head: drivers.Head{Time: t0.Add(at), Device: "terminal"},
		Type: drivers.PaySale, Result: drivers.Approved, Amount: amount, Requested: amount,
		Currency: "EUR", AuthCode: "A" + trace, Trace: trace, ReceiptNo: "R" + trace,
		TerminalID: "52523535", Card: "493702******0001",
	}
}

func with(p *drivers.Payment, f func(*drivers.Payment)) *drivers.Payment {
	f(p)
	return p
}

// rcpt is a cut EUR receipt job ending at at, started two seconds before.
func rcpt(at time.Duration, number string, tenders ...drivers.Tender) *drivers.Receipt {
	var total int64
	for _, t := range tenders {
		total += t.Amount
	}
	return &drivers.Receipt{
		Head:  drivers.Head{Time: t0.Add(at), Device: "printer"},
		Start: t0.Add(at - 2*sec), Cut: true, Ended: "cut", Number: number,
		Total: &total, Due: &total, Tenders: tenders, Currency: "EUR",
		Lines: []drivers.Line{{Text: "RECEIPT " + number}},
	}
}

func uncut(r *drivers.Receipt, ended string) *drivers.Receipt {
	r.Cut, r.Ended = false, ended
	return r
}

// status is an Automatic Status Back report of the printer.
func status(at time.Duration, f func(*drivers.PrinterStatus)) *drivers.PrinterStatus {
	s := &drivers.PrinterStatus{Head: drivers.Head{Time: t0.Add(at), Device: "printer"}, Via: "asb"}
	if f != nil {
		f(s)
	}
	s.Online = !s.Fault()
	return s
}

func paperEnd(s *drivers.PrinterStatus) { s.PaperEnd, s.Offline = true, true }
func nearEnd(s *drivers.PrinterStatus)  { s.PaperNearEnd = true }

// run plays steps through e and flushes it at the end. The clock ticks
// every second in between, as the agent's ticker does, so Detected tells
// when a decision was taken.
func run(e *Engine, steps []step) []Alert {
	var out []Alert
	var now time.Time
	tickTo := func(end time.Time) {
		if !now.IsZero() {
			for now = now.Truncate(sec).Add(sec); now.Before(end); now = now.Add(sec) {
				out = append(out, e.Advance(now)...)
			}
		}
		now = end
	}
	for _, s := range steps {
		if s.ev != nil {
			tickTo(s.ev.When())
			out = append(out, e.Observe(s.ev)...)
			continue
		}
		tickTo(t0.Add(s.adv))
		out = append(out, e.Advance(now)...)
	}
	return append(out, e.Flush()...)
}

// kinds lists "kind/state" of alerts, in order.
func kinds(as []Alert) []string {
	var ks []string
	for _, a := range as {
		ks = append(ks, a.Kind+"/"+string(a.State))
	}
	return ks
}

// ids lists the alert ids, sorted.
func ids(as []Alert) []string {
	var s []string
	for _, a := range as {
		s = append(s, a.ID)
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// shift generates n customers of a busy lane, one every 40s, with every
// kind of incident mixed in, as time-ordered events.
func shift(seed uint64, n int) []drivers.Event {
	evs, _ := shiftWant(seed, n)
	return evs
}

// shiftWant is shift plus the alerts it must give, counted by kind/state.
func shiftWant(seed uint64, n int) ([]drivers.Event, map[string]int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	var evs []drivers.Event
	want := map[string]int{}
	var leftovers []time.Duration // approved sales that never get a receipt
	lastCard := -time.Hour        // when the last card checkout that got its receipt began
	add := func(ev ...drivers.Event) {
		evs = append(evs, ev...)
		var first time.Duration = -1
		for _, e := range ev {
			switch v := e.(type) {
			case *drivers.PrinterStatus:
				if v.PaperEnd {
					return // the job fails: not a checkout with its receipt
				}
			case *drivers.Payment:
				if v.Result == drivers.Approved && (first < 0 || v.Time.Sub(t0) < first) {
					first = v.Time.Sub(t0)
				}
			}
		}
		for _, e := range ev {
			if r, ok := e.(*drivers.Receipt); ok && r.Cut && len(r.Tenders) > 0 && r.Tenders[0].Kind == drivers.TenderCard && first >= 0 {
				lastCard = max(lastCard, first)
			}
		}
	}
	add(status(-30*sec, nil))
	for i := range n {
		at := time.Duration(i) * 40 * sec
		amt := int64(100 + rng.IntN(20000))
		tr := fmt.Sprintf("%06d", i)
		no := fmt.Sprintf("%04d", i)
		switch k := rng.IntN(100); {
		case k < 55: // card sale, receipt after approval
			add(sale(at, amt, tr), rcpt(at+2*sec, no, card(amt)))
		case k < 70: // cash sale
			add(rcpt(at+2*sec, no, cash(amt)))
		case k < 75: // receipt first
			// An earlier sale still without receipt is paired at print
			// time, and released when this receipt's own sale arrives;
			// not when a whole card checkout lies in between.
			if slices.ContainsFunc(leftovers, func(l time.Duration) bool { return at-l <= 120*sec && lastCard < l }) {
				want["amount_mismatch/raised"]++
				want["amount_mismatch/resolved"]++
			}
			add(rcpt(at, no, card(amt)), sale(at+8*sec, amt, tr))
		case k < 78: // under-charge
			add(sale(at, amt/10+1, tr), rcpt(at+2*sec, no, card(amt)))
			want["amount_mismatch/raised"]++
		case k < 80: // over-charge
			add(sale(at, amt*10, tr), rcpt(at+2*sec, no, card(amt)))
			want["amount_mismatch/raised"]++
		case k < 84: // split across two cards
			add(sale(at, amt, tr), sale(at+6*sec, amt+50, tr+"b"), rcpt(at+8*sec, no, card(2*amt+50)))
		case k < 87: // no receipt
			add(sale(at, amt, tr))
			want["payment_without_receipt/raised"]++
			leftovers = append(leftovers, at)
		case k < 90: // voided
			v := with(sale(at+5*sec, amt, "V"+tr), func(p *drivers.Payment) { p.Type, p.OriginalTrace = drivers.PayVoid, tr })
			add(sale(at, amt, tr), v)
		case k < 93: // paper runs out during the job, replaced later
			add(sale(at, amt, tr), status(at+sec, paperEnd), rcpt(at+2*sec, no, card(amt)), status(at+30*sec, nil))
			want["printer_fault/raised"]++
			want["printer_fault/resolved"]++
			want["print_failed/raised"]++
			want["payment_without_receipt/raised"]++
			// Its own receipt job failed: not paired with a later receipt.
		case k < 96: // job never cut
			add(uncut(rcpt(at+2*sec, no, cash(amt)), "idle"))
			want["print_failed/raised"]++
		default: // declined, then approved
			d := with(sale(at, amt, "D"+tr), func(p *drivers.Payment) { p.Result = drivers.Declined })
			add(d, sale(at+10*sec, amt, tr), rcpt(at+12*sec, no, card(amt)))
		}
	}
	slices.SortStableFunc(evs, func(a, b drivers.Event) int { return cmp.Compare(a.When().UnixNano(), b.When().UnixNano()) })
	return evs, want
}

// playEvents observes events, advancing the clock to each event's time.
func playEvents(e *Engine, evs []drivers.Event) []Alert {
	var out []Alert
	for _, ev := range evs {
		out = append(out, e.Advance(ev.When())...)
		out = append(out, e.Observe(ev)...)
	}
	return out
}

// refund is an approved card refund on the terminal.
func refund(at time.Duration, amount int64, trace string) *drivers.Payment {
	return with(sale(at, amount, trace), func(p *drivers.Payment) { p.Type = drivers.PayRefund })
}

// void is an approved reversal of the sale with trace orig.
func void(at time.Duration, amount int64, trace, orig string) *drivers.Payment {
	return with(sale(at, amount, trace), func(p *drivers.Payment) { p.Type, p.OriginalTrace = drivers.PayVoid, orig })
}

// linkEv is a link going up or down.
func linkEv(at time.Duration, dev string, up bool) *drivers.Link {
	return &drivers.Link{Head: drivers.Head{Time: t0.Add(at), Device: dev}, Up: up}
}

// settle is the terminal's end-of-day for receipts from..to.
func settle(at time.Duration, total int64, count int, from, to string) *drivers.Settlement {
	return &drivers.Settlement{Head: drivers.Head{Time: t0.Add(at), Device: "terminal"}, Total: total, Count: count,
		Currency: "EUR", TerminalID: "52523535", From: from, To: to}
}
