package detect

import "github.com/tillwatch/tillwatch/drivers"

// dupIncident is a duplicate charge: two approved sales with the same card
// and amount, one of them without a receipt.
type dupIncident struct {
	evidence []string // the two sales
	extra    *payment // the sale without a receipt
	other    *payment // the sale with one
	resolved bool
}

// duplicateCharge raises duplicate_charge (critical) for two approved
// sales with the same (masked) card, amount and currency within
// DuplicateWindow, neither voided or refunded, when only one receipt
// covers them: the charge without a receipt was made twice (a timeout and
// a second swipe). It decides when the sale without a receipt reaches its
// ReceiptWait, instead of payment_without_receipt; when the sale with a
// receipt comes only after that, it decides when that sale is matched
// (and the first sale was already reported as payment_without_receipt).
// A void of either sale, or a refund of the amount to the card, resolves
// it; that refund needs no refund receipt (the register never recorded
// the second charge). Sales without a card number are never duplicates.
type duplicateCharge struct{}

func (duplicateCharge) check(e *Engine, t trigger) []finding {
	switch t.on {
	case onDue:
		p := t.pay
		if p.state != payOpen || p.alerted || p.dup != nil {
			return nil
		}
		if q := e.duplicateOf(p); q != nil {
			p.alerted = true
			return []finding{raiseDup(e, p, q)}
		}
	case onPayment:
		return reportLate(e, t.pay)
	case onReceipt:
		if t.rec.state == recMatched {
			var out []finding
			for _, q := range t.rec.pays {
				out = append(out, reportLate(e, q)...)
			}
			return out
		}
	case onCancel:
		d := t.pay.dup
		if d == nil || d.resolved {
			return nil
		}
		d.resolved = true
		p := &d.extra.ev
		return []finding{{
			alert: Alert{
				Kind: KindDuplicateCharge, Severity: Critical, State: Resolved, Time: e.clock,
				Summary: "Duplicate charge of " + FormatMoney(p.Amount, p.Currency) + " on card " + drivers.MaskPAN(p.Card) +
					" undone at " + clock(e.clock) + ".",
				Payment: paymentEvidence(p), Currency: p.Currency, Device: p.Device,
			},
			evidence: d.evidence,
		}}
	}
	return nil
}

// reportLate raises a duplicate when a matched sale q has an earlier twin
// that was already reported as lacking a receipt.
func reportLate(e *Engine, q *payment) []finding {
	if q.state != payMatched || q.dup != nil {
		return nil
	}
	for _, p := range e.pays {
		if p != q && p.state == payOpen && p.alerted && p.dup == nil && e.twins(p, q) {
			return []finding{raiseDup(e, p, q)}
		}
	}
	return nil
}

// duplicateOf returns a receipted, not cancelled sale that makes p a
// duplicate charge.
func (e *Engine) duplicateOf(p *payment) *payment {
	for _, q := range e.pays {
		if q != p && (q.state == payMatched || q.state == payPaired) && q.dup == nil && e.twins(p, q) {
			return q
		}
	}
	return nil
}

// twins reports whether two sales charge the same card the same amount
// within DuplicateWindow.
func (e *Engine) twins(p, q *payment) bool {
	a, b := &p.ev, &q.ev
	return a.Card != "" && drivers.MaskPAN(a.Card) == drivers.MaskPAN(b.Card) && a.Amount == b.Amount &&
		a.Currency == b.Currency && absDur(p.at, q.at) <= e.cfg.DuplicateWindow &&
		sameTerminal(a.TerminalID, a.Device, b.TerminalID, b.Device)
}

func raiseDup(e *Engine, p, q *payment) finding {
	d := &dupIncident{evidence: []string{p.id, q.id}, extra: p, other: q}
	p.dup, q.dup = d, d
	ev := &p.ev
	first, second := p, q
	if q.at.Before(p.at) {
		first, second = q, p
	}
	a := Alert{
		Kind: KindDuplicateCharge, Severity: Critical, State: Raised, Time: second.at,
		Summary: "Card " + drivers.MaskPAN(ev.Card) + " charged " + FormatMoney(ev.Amount, ev.Currency) + " twice: at " +
			clock(first.at) + traceNote(&first.ev) + " and at " + clock(second.at) + traceNote(&second.ev) +
			", with one receipt; the charge at " + clock(p.at) + traceNote(ev) + " has none.",
		Payment: paymentEvidence(ev), Currency: ev.Currency, Device: ev.Device,
	}
	// A void or reversal of one of them, or the other receipt, may sit in
	// damaged bytes.
	until := p.at.Add(e.cfg.wait())
	if !e.lower(&a, RoleTerminal, first.at.Add(-e.cfg.ClockSkew), until, "a void or reversal of one of them may be in it") {
		e.lower(&a, RolePrinter, first.at, until, "the other charge's receipt may be in it")
	}
	return finding{alert: a, evidence: d.evidence}
}

// dupFor returns the duplicate-charge sale a void or refund undoes: for a
// void, a sale of an unresolved duplicate it names; for a refund, the
// receiptless sale of an unresolved duplicate with its card and amount
// less than DuplicateWindow before it.
func (e *Engine) dupFor(rt *refundTx) *payment {
	v := &rt.ev
	for _, p := range e.pays {
		d := p.dup
		if d == nil || d.resolved {
			continue
		}
		if v.Type == drivers.PayVoid {
			o := &p.ev
			if sameTerminal(v.TerminalID, v.Device, o.TerminalID, o.Device) &&
				((v.OriginalReceipt != "" && v.OriginalReceipt == o.ReceiptNo) || (v.OriginalTrace != "" && v.OriginalTrace == o.Trace)) {
				return p
			}
			continue
		}
		o := &d.extra.ev
		if p == d.extra && v.Card != "" && drivers.MaskPAN(v.Card) == drivers.MaskPAN(o.Card) && v.Amount == o.Amount &&
			v.Currency == o.Currency && rt.at.Sub(p.at) >= 0 && rt.at.Sub(p.at) <= e.cfg.DuplicateWindow {
			return p
		}
	}
	return nil
}
