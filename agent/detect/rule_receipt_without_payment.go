package detect

// receiptWithoutPayment raises receipt_without_payment for a printed card
// receipt that no approved payment matched or was paired with when its
// match window closed (the register says "card" while the terminal
// approved nothing: a declined card the cashier did not notice, or a
// receipt faked to cover cash), and for a printed refund receipt to a card
// that no approved terminal refund or void of its amount matched. It only
// runs on lanes with a terminal it can hear (configured, or one that sent
// something). It is critical while the terminal link was up throughout
// the receipt's window, a warning that says so when it was down.
type receiptWithoutPayment struct{}

func (receiptWithoutPayment) check(e *Engine, t trigger) []finding {
	if t.on != onClose || !e.expectsPayments() {
		return nil
	}
	r := t.rec
	var summary string
	switch {
	case r.state == recOpen && len(e.relatedCandidates(r)) == 0:
		summary = upperFirst(receiptName(r)) + " printed at " + clock(r.at) + " shows card " + FormatMoney(r.card, r.currency) +
			" but the terminal approved no payment within " + e.cfg.window().String() + "."
	case r.state == recRefundOpen:
		summary = "Refund " + receiptName(r) + " printed at " + clock(r.at) + " pays back " + FormatMoney(r.refund, r.currency) +
			" to a card but the terminal made no refund or void of it within " + e.cfg.window().String() + "."
	default:
		return nil
	}
	sev := Critical
	if l, sp, ok := e.downDuring(RoleTerminal, r.at.Add(-e.cfg.window()), r.at.Add(e.cfg.window())); ok {
		sev = Warning
		summary += " The terminal link (" + l.dev + ") was down " + sp.String() + ": the payment may have gone unseen."
	}
	ev := r.evidence
	a := Alert{
		Kind: KindReceiptWithoutPayment, Severity: sev, State: Raised, Time: r.at,
		Summary: summary, Receipt: &ev, Currency: r.currency, Device: r.dev,
	}
	if !e.lower(&a, RoleTerminal, r.at.Add(-e.cfg.window()), r.at.Add(e.cfg.window()), "the payment may be in it") {
		// A sale kept from it by damaged printer data between them.
		for _, p := range e.candidates(r) {
			if p.at.Before(r.start) && e.lower(&a, RolePrinter, p.at, r.start, "this may be the receipt of the card payment at "+clock(p.at)) {
				break
			}
		}
	}
	return []finding{{alert: a, evidence: []string{r.id}}}
}
