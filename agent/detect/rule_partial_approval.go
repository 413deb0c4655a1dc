package detect

// partialApproval raises partial_approval (warning) when the terminal
// approved a sale for less than was requested: the cashier may not have
// noticed and the rest is unpaid. delta is approved minus requested.
type partialApproval struct{}

func (partialApproval) check(e *Engine, t trigger) []finding {
	if t.on != onPayment {
		return nil
	}
	p := &t.pay.ev
	if p.Requested <= 0 || p.Amount >= p.Requested {
		return nil
	}
	delta := p.Amount - p.Requested
	return []finding{{
		alert: Alert{
			Kind: KindPartialApproval, Severity: Warning, State: Raised, Time: p.Time,
			Summary: "Card payment approved only " + FormatMoney(p.Amount, p.Currency) + " of " +
				FormatMoney(p.Requested, p.Currency) + " requested at " + clock(p.Time) + traceNote(p) +
				": " + FormatMoney(-delta, p.Currency) + " still to pay.",
			Payment:  paymentEvidence(p),
			Delta:    &delta,
			Currency: p.Currency,
			Device:   p.Device,
		},
		evidence: []string{t.pay.id},
	}}
}
