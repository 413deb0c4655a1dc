package detect

import (
	"slices"
	"strconv"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// ledger keeps one small entry per approved terminal transaction for the
// settlement window, and the settlements seen, so that a terminal's
// end-of-day totals can be reconciled and a void or refund can be checked
// against the sale it names long after the detailed state was dropped.
type ledger struct {
	entries []*entry // in arrival order
	byID    map[string]*entry
	settles []*settlement // in arrival order
}

// entry is an approved transaction as far as money is concerned.
type entry struct {
	id        string
	at        time.Time
	dev, tid  string
	typ       drivers.PaymentType
	amount    int64
	currency  string
	trace     string
	receiptNo string
	card      string
	cancelled bool // voided
}

// settlement is a terminal's end-of-day as the engine keeps it.
type settlement struct {
	id  string
	ev  drivers.Settlement
	at  time.Time
	dev string
}

func newLedger() ledger { return ledger{byID: map[string]*entry{}} }

// add records an approved transaction once; it returns the entry.
func (l *ledger) add(p *drivers.Payment, id string) *entry {
	if en, ok := l.byID[id]; ok {
		return en
	}
	en := &entry{
		id: id, at: p.Time, dev: p.Device, tid: p.TerminalID, typ: p.Type, amount: p.Amount,
		currency: p.Currency, trace: p.Trace, receiptNo: p.ReceiptNo, card: drivers.MaskPAN(p.Card),
	}
	l.entries = append(l.entries, en)
	l.byID[id] = en
	return en
}

// original returns the latest sale (or capture) a void or refund names by
// its receipt number or trace, on the same terminal.
func (l *ledger) original(v *drivers.Payment) *entry {
	if v.OriginalReceipt == "" && v.OriginalTrace == "" {
		return nil
	}
	for _, en := range slices.Backward(l.entries) {
		if en.typ != drivers.PaySale && en.typ != drivers.PayCapture {
			continue
		}
		if !sameTerminal(v.TerminalID, v.Device, en.tid, en.dev) {
			continue
		}
		if (v.OriginalReceipt != "" && v.OriginalReceipt == en.receiptNo) ||
			(v.OriginalTrace != "" && v.OriginalTrace == en.trace) {
			return en
		}
	}
	return nil
}

// sameTerminal compares terminal ids when both are known, else devices.
func sameTerminal(tidA, devA, tidB, devB string) bool {
	if tidA != "" && tidB != "" {
		return tidA == tidB
	}
	return devA == devB
}

// trim drops what is older than cutoff.
func (l *ledger) trim(cutoff time.Time) {
	n := 0
	for n < len(l.entries) && l.entries[n].at.Before(cutoff) {
		delete(l.byID, l.entries[n].id)
		n++
	}
	if n > 0 {
		// Dropped from the front without moving the rest (trim runs on
		// every Advance): append copies what is left when it grows.
		clear(l.entries[:n])
		l.entries = l.entries[n:]
	}
	if len(l.settles) > 0 {
		l.settles = slices.DeleteFunc(l.settles, func(s *settlement) bool { return s.at.Before(cutoff) })
	}
}

// totals is what the journal says a terminal took in a period.
type totals struct {
	net, sales, refunds int64
	count               int
	since               time.Time // start of the period (exclusive); zero with a receipt range
	byRange             bool
}

// reconcile sums the approved transactions a settlement covers: those of
// the same terminal and currency whose receipt numbers are in its range
// when it has one (wrapping at the top), else those since the terminal's
// previous settlement. Sales and captures not voided count, refunds count
// negative. ok is false when the period's start is not known (no range,
// and no earlier settlement while the engine was not listening for a whole
// settlement window).
func (e *Engine) reconcile(s *settlement) (totals, bool) {
	var t totals
	end := s.at.Add(e.cfg.ClockSkew)
	lo, hi, byRange := receiptRange(s.ev.From, s.ev.To)
	start := s.at.Add(-e.cfg.SettlementWindow)
	if !byRange {
		var prev *settlement
		for _, o := range e.ledger.settles {
			if o != s && o.at.Before(s.at) && sameTerminal(o.ev.TerminalID, o.dev, s.ev.TerminalID, s.dev) {
				prev = o
			}
		}
		switch {
		case prev != nil:
			start = prev.at.Add(e.cfg.ClockSkew)
		case e.first.After(start):
			return t, false
		}
		t.since = start
	}
	t.byRange = byRange
	for _, en := range e.ledger.entries {
		if en.at.After(end) || !en.at.After(start) || en.cancelled {
			continue
		}
		if !sameTerminal(en.tid, en.dev, s.ev.TerminalID, s.dev) {
			continue
		}
		if en.currency != "" && s.ev.Currency != "" && en.currency != s.ev.Currency {
			continue
		}
		if byRange && !inRange(en.receiptNo, lo, hi) {
			continue
		}
		switch en.typ {
		case drivers.PaySale, drivers.PayCapture:
			t.sales += en.amount
			t.count++
		case drivers.PayRefund:
			t.refunds += en.amount
			t.count++
		}
	}
	t.net = t.sales - t.refunds
	return t, true
}

// receiptRange parses a settlement's receipt number range.
func receiptRange(from, to string) (int, int, bool) {
	lo, err1 := strconv.Atoi(from)
	hi, err2 := strconv.Atoi(to)
	return lo, hi, err1 == nil && err2 == nil && from != "" && to != ""
}

// inRange reports whether a receipt number is in [lo, hi], which wraps
// (e.g. 9990..0010) when lo > hi.
func inRange(no string, lo, hi int) bool {
	n, err := strconv.Atoi(no)
	if err != nil {
		return false
	}
	if lo <= hi {
		return n >= lo && n <= hi
	}
	return n >= lo || n <= hi
}

// addSettlement records a terminal's end-of-day and reconciles it.
func (e *Engine) addSettlement(v *drivers.Settlement, id string) {
	e.learnRole(v.Device, RoleTerminal)
	s := &settlement{id: id, ev: *v, at: v.Time, dev: v.Device}
	e.ledger.settles = append(e.ledger.settles, s)
	e.fire(trigger{on: onSettlement, settle: s})
}
