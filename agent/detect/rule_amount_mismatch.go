package detect

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// amountMismatch raises amount_mismatch (critical) when a printed card
// receipt and approved sales in its window cannot be matched: it pairs
// the receipt with the nearest sale (preferring sales before the receipt,
// since receipts usually print after the approval), or with as many of
// them as the receipt has card tender lines. delta is payments minus the
// receipt's card amount: negative is under-charged.
//
// It decides when the receipt arrives (onSent: the engine asks at once
// for a job sent complete with no exact match, see Engine.pairSent; a
// fault after its cut then fails the job but not the pairing), unless the
// receipt is a split
// tender (two or more settled tender lines) and one of the sales could
// still become part of an exact match with a payment yet to come; then it
// decides when the receipt's match window closes. A receipt that found no
// sale by then is left alone (that is receipt_without_payment's business);
// at that point only sales older than ReceiptWait are taken, since a
// younger one may still meet its own receipt. Sales arriving after an
// open receipt are only paired when its window closes, so a later
// customer's sale first meets its own receipt.
//
// A pairing decided at print time is a bet on the sales seen so far. When
// a sale arrives later that makes the receipt an exact match after all
// and either completes the paired sales (a split paid after the print) or
// is closer to the receipt than they are (a receipt-first lane), the
// receipt is matched, the displaced sales are released (they may still
// lack a receipt) and the incident is resolved.
type amountMismatch struct{}

func (m amountMismatch) check(e *Engine, t trigger) []finding {
	switch {
	case t.on == onPayment:
		return m.reconsider(e, t.pay)
	case t.on == onRefundDue || (t.on == onClose && t.rec.state == recRefundOpen):
		return m.refund(e, t)
	}
	if (t.on != onSent && t.on != onReceipt && t.on != onClose) || t.rec.state != recOpen {
		return nil
	}
	r := t.rec
	cands := e.relatedCandidates(r)
	if t.on == onClose {
		// A sale younger than ReceiptWait may still meet its own receipt.
		closeAt := r.at.Add(e.cfg.window())
		cands = slices.DeleteFunc(cands, func(p *payment) bool { return p.at.Add(e.cfg.wait()).After(closeAt) })
	}
	if len(cands) == 0 {
		return nil
	}
	if t.on != onClose && r.lines > 1 {
		for _, p := range cands {
			if p.ev.Amount < r.card-e.cfg.AmountTolerance {
				return nil // a split payment may still be coming
			}
		}
	}
	group := pairGroup(r, cands, e.cfg.ClockSkew)
	var sum int64
	last := r.at
	ids := []string{r.id}
	for _, p := range group {
		sum += p.ev.Amount
		p.state, p.rec = payPaired, r
		ids = append(ids, p.id)
		if p.at.After(last) {
			last = p.at
		}
	}
	r.state, r.pays = recPaired, group
	delta := sum - r.card
	first := group[0]
	cur := currencyOf(first, r)
	paid := "Card payment " + FormatMoney(sum, cur) + " approved at " + clock(first.at) + traceNote(&first.ev)
	if len(group) > 1 {
		paid = "Card payments totalling " + FormatMoney(sum, cur) + " (" + strconv.Itoa(len(group)) + " payments)"
	}
	how := "under-charged"
	if delta > 0 {
		how = "over-charged"
	}
	r.pairing = ids
	ev := r.evidence
	conf, doubt := e.pairConfidence(r, group, sum, len(cands))
	a := Alert{
		Kind: KindAmountMismatch, Severity: Critical, State: Raised, Time: last,
		Summary: paid + " but " + receiptName(r) + " shows card " + FormatMoney(r.card, cur) +
			": " + how + " by " + FormatMoney(max(delta, -delta), cur) + "." + doubt,
		Payment:    paymentEvidence(&first.ev),
		Receipt:    &ev,
		Delta:      &delta,
		Currency:   cur,
		Device:     first.ev.Device,
		Confidence: conf,
	}
	if !e.lower(&a, RolePrinter, r.start.Add(-e.cfg.ClockSkew), r.at.Add(e.cfg.ClockSkew), "the receipt's amount may have been misread") &&
		r.lines > len(group) && delta < 0 {
		// A split receipt short of a payment: the missing one may sit in
		// a damaged terminal frame.
		e.lower(&a, RoleTerminal, r.at.Add(-e.cfg.window()), r.at.Add(e.cfg.ClockSkew), "another payment of this receipt may be in it")
	}
	return []finding{{alert: a, evidence: ids}}
}

// reconsider matches a paired receipt with a new sale when that makes it
// exact, and resolves the receipt's mismatch.
func (amountMismatch) reconsider(e *Engine, p *payment) []finding {
	if p.state != payOpen {
		return nil
	}
	var rs []*receipt
	for _, r := range e.recs {
		if r.state == recPaired && e.within(r.at, p.at) {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *receipt) int {
		return cmp.Or(cmp.Compare(absDur(a.at, p.at), absDur(b.at, p.at)), cmp.Compare(a.seq, b.seq))
	})
	for _, r := range rs {
		old := r.pays
		for _, q := range old {
			q.state, q.rec = payOpen, nil
		}
		set := e.exactSet(r, e.candidates(r))
		if set == nil || !slices.Contains(set, p) || !completes(r, old, set, p) {
			for _, q := range old {
				q.state, q.rec = payPaired, r
			}
			continue
		}
		for _, q := range old {
			q.waitDone = q.alerted // a released sale may still lack a receipt
		}
		r.state, r.pays = recMatched, set
		for _, q := range set {
			q.state, q.rec = payMatched, r
		}
		ev := r.evidence
		cur := currencyOf(p, r)
		return []finding{{
			alert: Alert{
				Kind: KindAmountMismatch, Severity: Critical, State: Resolved, Time: p.at,
				Summary: "Mismatch on " + receiptName(r) + " resolved: card payment " + FormatMoney(p.ev.Amount, cur) +
					" approved at " + clock(p.at) + traceNote(&p.ev) + " completes its card " + FormatMoney(r.card, cur) + ".",
				Payment:  paymentEvidence(&p.ev),
				Receipt:  &ev,
				Currency: cur,
				Device:   p.ev.Device,
			},
			evidence: r.pairing,
		}}
	}
	return nil
}

// completes reports whether a new exact set should replace a pairing:
// when it keeps every paired sale (the sale completes a split), or when
// the new sale is closer to the receipt than each sale it displaces.
func completes(r *receipt, old, set []*payment, p *payment) bool {
	if !slices.ContainsFunc(old, func(q *payment) bool { return !slices.Contains(set, q) }) {
		return true
	}
	for _, q := range old {
		if absDur(q.at, r.at) <= absDur(p.at, r.at) {
			return false
		}
	}
	return true
}

// pairGroup picks the sales to pair with a receipt: sales before the
// receipt (or less than the clock skew after it) nearest first, then sales
// after it nearest first; one, or up to the receipt's number of card
// tender lines while the sum is still short.
func pairGroup(r *receipt, cands []*payment, skew time.Duration) []*payment {
	order := slices.Clone(cands)
	after := r.at.Add(skew)
	slices.SortStableFunc(order, func(a, b *payment) int {
		return cmp.Compare(b2i(a.at.After(after)), b2i(b.at.After(after)))
	})
	group := []*payment{order[0]}
	sum := group[0].ev.Amount
	for _, p := range order[1:] {
		if len(group) >= max(r.lines, 1) || sum >= r.card {
			break
		}
		group = append(group, p)
		sum += p.ev.Amount
	}
	return group
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
