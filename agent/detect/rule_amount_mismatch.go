package detect

import (
	"cmp"
	"slices"
	"strconv"
)

// amountMismatch raises amount_mismatch (critical) when a printed card
// receipt and approved sales in its window cannot be matched: it pairs
// the receipt with the nearest sale (preferring sales before the receipt,
// since receipts usually print after the approval), or with as many of
// them as the receipt has card tender lines. delta is payments minus the
// receipt's card amount: negative is under-charged.
//
// It decides when the receipt is printed, unless the receipt is a split
// tender (two or more settled tender lines) and one of the sales could
// still become part of an exact match with a payment yet to come; then it
// decides when the receipt's match window closes. A receipt that found no
// sale by then is left alone (that is receipt_without_payment's business).
// Sales arriving after an open receipt are only paired when its window
// closes, so a later customer's sale first meets its own receipt.
type amountMismatch struct{}

func (amountMismatch) check(e *Engine, t trigger) []finding {
	if (t.on != onReceipt && t.on != onClose) || t.rec.state != recOpen {
		return nil
	}
	r := t.rec
	cands := e.candidates(r)
	if len(cands) == 0 {
		return nil
	}
	if t.on == onReceipt && r.lines > 1 {
		for _, p := range cands {
			if p.ev.Amount < r.card-e.cfg.AmountTolerance {
				return nil // a split payment may still be coming
			}
		}
	}
	group := pairGroup(r, cands)
	var sum int64
	var last = r.at
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
	ev := r.evidence
	return []finding{{
		alert: Alert{
			Kind: KindAmountMismatch, Severity: Critical, State: Raised, Time: last,
			Summary: paid + " but " + receiptName(r) + " shows card " + FormatMoney(r.card, cur) +
				": " + how + " by " + FormatMoney(max(delta, -delta), cur) + ".",
			Payment:  paymentEvidence(&first.ev),
			Receipt:  &ev,
			Delta:    &delta,
			Currency: cur,
			Device:   first.ev.Device,
		},
		evidence: ids,
	}}
}

// pairGroup picks the sales to pair with a receipt: sales before the
// receipt nearest first, then sales after it nearest first; one, or up to
// the receipt's number of card tender lines while the sum is still short.
func pairGroup(r *receipt, cands []*payment) []*payment {
	order := slices.Clone(cands)
	slices.SortStableFunc(order, func(a, b *payment) int {
		return cmp.Compare(b2i(a.at.After(r.at)), b2i(b.at.After(r.at)))
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
