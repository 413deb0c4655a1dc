package detect

import (
	"cmp"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// The refund half of amount_mismatch (ARCHITECTURE.md: refunds pair with
// the register's refund receipts the way sales pair with receipts). An
// approved terminal refund or void and a printed refund receipt of
// another amount, within the match window of each other, are paired when
// the first of them runs out of time: the refund's ReceiptWait, or the
// refund receipt's match window. Until then either may still meet its
// exact counterpart. The nearest one wins; a refund receipt that printed
// before the terminal refund is not paired across another checkout's
// receipt (see otherReceiptBetween). delta is the terminal's amount minus
// the register's, both as magnitudes: positive means more went back to the
// card than the register says.

// refund pairs at a refund's wait or a refund receipt's close.
func (amountMismatch) refund(e *Engine, t trigger) []finding {
	var r *receipt
	var rt *refundTx
	if t.on == onRefundDue {
		if t.rt.state != rtOpen {
			return nil
		}
		rt = t.rt
		rs := e.refundReceiptsFor(rt)
		if len(rs) == 0 {
			return nil
		}
		r = rs[0]
	} else {
		r = t.rec
		rts := e.refundsFor(r)
		if len(rts) == 0 {
			return nil
		}
		rt = rts[0]
	}
	rt.state, rt.rec, r.state = rtPaired, r, recRefundPaired
	v := &rt.ev
	delta := v.Amount - r.refund
	cur := v.Currency
	if cur == "" {
		cur = r.currency
	}
	what := "Card refund"
	if v.Type == drivers.PayVoid {
		what = "Card void"
	}
	how := "too much"
	if delta < 0 {
		how = "too little"
	}
	conf, doubt := High, ""
	if len(e.refundReceiptsFor(rt))+len(e.refundsFor(r)) > 0 && !keyingSlip(v.Amount, r.refund) {
		conf, doubt = Medium, " Likely one return, but another refund in the window could be its counterpart."
	}
	ids := []string{r.id, rt.id}
	ev := r.evidence
	a := Alert{
		Kind: KindAmountMismatch, Severity: Critical, State: Raised, Time: maxTime(r.at, rt.at),
		Summary: what + " of " + FormatMoney(v.Amount, cur) + " at " + clock(rt.at) + traceNote(v) + " but refund " +
			receiptName(r) + " gives back " + FormatMoney(r.refund, cur) + " to the card: " +
			FormatMoney(max(delta, -delta), cur) + " " + how + " went back to the card." + doubt,
		Payment:    paymentEvidence(v),
		Receipt:    &ev,
		Delta:      &delta,
		Currency:   cur,
		Device:     v.Device,
		Confidence: conf,
	}
	e.lower(&a, RolePrinter, r.start.Add(-e.cfg.ClockSkew), r.at.Add(e.cfg.ClockSkew), "the refund receipt's amount may have been misread")
	return []finding{{alert: a, evidence: ids}}
}

// refundReceiptsFor returns the open refund receipts a terminal refund of
// another amount may be paired with, nearest first.
func (e *Engine) refundReceiptsFor(rt *refundTx) []*receipt {
	var rs []*receipt
	for _, r := range e.recs {
		if r.state == recRefundOpen && e.refundRelated(r, rt) {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *receipt) int {
		return cmp.Or(cmp.Compare(absDur(a.at, rt.at), absDur(b.at, rt.at)), cmp.Compare(a.seq, b.seq))
	})
	return rs
}

// refundsFor returns the open terminal refunds a refund receipt of another
// amount may be paired with, nearest first.
func (e *Engine) refundsFor(r *receipt) []*refundTx {
	var c []*refundTx
	for _, rt := range e.refunds {
		if rt.state == rtOpen && e.refundRelated(r, rt) {
			c = append(c, rt)
		}
	}
	slices.SortFunc(c, func(a, b *refundTx) int {
		return cmp.Or(cmp.Compare(absDur(a.at, r.at), absDur(b.at, r.at)), cmp.Compare(a.seq, b.seq))
	})
	return c
}

// refundRelated reports whether a refund receipt and a terminal refund may
// be one return: within the window, same currency, and no other
// checkout's receipt printed between a refund receipt and a later refund.
func (e *Engine) refundRelated(r *receipt, rt *refundTx) bool {
	if !e.within(r.at, rt.at) || rt.ev.Amount <= 0 {
		return false
	}
	if r.currency != "" && rt.ev.Currency != "" && r.currency != rt.ev.Currency {
		return false
	}
	return !e.receiptFirst(r, rt.at) || !e.otherReceiptBetween(r, rt.at)
}

// maxTime is the later of two times.
func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
