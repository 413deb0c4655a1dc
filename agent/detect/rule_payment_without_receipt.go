package detect

import "time"

// paymentWithoutReceipt raises payment_without_receipt (critical) for an
// approved sale with no matched receipt ReceiptWait (plus ClockSkew) after
// approval, exactly then and not before. While a card receipt that could
// still be its receipt is undecided (its job within StatusGrace, or
// waiting for a split payment) the engine defers the decision until that
// receipt is decided, so a sale paired by amount_mismatch is not reported
// twice. The alert carries the printer state that best explains the
// missing receipt: the first fault in force from ClockSkew before the
// approval to the decision. The printer's and the terminal's reads are
// stamped by two readers, so under load a fault that cleared just before
// the approval's stamp may have been in force when the sale was approved.
// When a printer link was down between the approval and
// the decision, the receipt may have printed unseen: the alert is a
// warning and says so.
type paymentWithoutReceipt struct{}

func (paymentWithoutReceipt) check(e *Engine, t trigger) []finding {
	if t.on != onDue || t.pay.state != payOpen || t.pay.alerted {
		return nil
	}
	p := t.pay
	p.alerted = true
	if e.takeUnread(p) {
		return nil // a receipt printed; its amounts could not be read (unread.go)
	}
	pe, _ := e.likelyCause(p.at.Add(-e.cfg.ClockSkew), e.clock)
	ev := &p.ev
	summary := "Card payment " + FormatMoney(ev.Amount, ev.Currency) + " approved at " + clock(ev.Time) +
		traceNote(ev) + " but no receipt printed within " + e.cfg.wait().String() + "; " + printerCause(pe) + "."
	sev := Critical
	if l, sp, ok := e.downDuring(RolePrinter, p.at.Add(-e.cfg.window()), e.clock); ok {
		sev = Warning
		summary += " The printer link (" + l.dev + ") was down " + sp.String() + ": the receipt may have printed unseen."
	}
	a := Alert{
		Kind: KindPaymentWithoutReceipt, Severity: sev, State: Raised, Time: ev.Time,
		Summary:  summary,
		Payment:  paymentEvidence(ev),
		Printer:  &pe,
		Currency: ev.Currency,
		Device:   ev.Device,
	}
	if !e.lower(&a, RolePrinter, p.at.Add(-e.cfg.window()), e.clock, "its receipt may be in it") {
		e.lower(&a, RoleTerminal, p.at.Add(txnTail), e.clock, "a void or reversal of it may be in it")
	}
	return []finding{{alert: a, evidence: []string{p.id}}}
}

// undecidedReceipt returns when the last card receipt in a payment's
// window that is still undecided will be decided.
func (e *Engine) undecidedReceipt(p *payment) (time.Time, bool) {
	var until time.Time
	found := false
	for _, r := range e.recs {
		if r.card <= 0 || r.reprint || !e.within(r.at, p.at) {
			continue
		}
		if r.state == recOpen && !e.equal(r.card, p.ev.Amount) && !e.related(r, p) {
			continue // it cannot be this sale's receipt (see related)
		}
		var at time.Time
		switch r.state {
		case recPending:
			at = r.at.Add(e.cfg.StatusGrace)
		case recOpen:
			at = r.at.Add(e.cfg.window())
		default:
			continue
		}
		if !found || at.After(until) {
			until, found = at, true
		}
	}
	return until, found
}
