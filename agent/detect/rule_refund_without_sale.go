package detect

import "github.com/tillwatch/tillwatch/drivers"

// refundWithoutSale raises refund_without_sale (critical) for money sent
// back to a card on the terminal without the register's record of it: a
// refund or void naming a sale the journal does not have (at once), or a
// refund, or a void of a sale that had its receipt, with no register
// refund receipt of its amount ReceiptWait (plus ClockSkew) after it. A
// void of a sale that never got a receipt needs none, nor does a void or
// refund that undoes a duplicate charge. When the relevant link was down
// (the terminal's for a missing sale, the printer's for a missing refund
// receipt) the alert is a warning and says so.
type refundWithoutSale struct{}

func (refundWithoutSale) check(e *Engine, t trigger) []finding {
	var rt *refundTx
	var why string
	var role string
	switch {
	case t.on == onRefund && t.rt.state == rtOrphan:
		rt, role = t.rt, RoleTerminal
		why = "names a sale (" + originalName(&t.rt.ev) + ") that is not in the journal"
	case t.on == onRefundDue && t.rt.state == rtOpen:
		rt, role = t.rt, RolePrinter
		why = "has no register refund receipt within " + e.cfg.wait().String()
	default:
		return nil
	}
	v := &rt.ev
	what := "Card refund"
	if v.Type == drivers.PayVoid {
		what = "Card void"
	}
	summary := what + " of " + FormatMoney(v.Amount, v.Currency) + " at " + clock(rt.at) + traceNote(v) + " " + why + "."
	sev := Critical
	from := rt.at.Add(-e.cfg.window())
	if role == RoleTerminal {
		from = rt.at.Add(-e.cfg.SettlementWindow)
	}
	if l, sp, ok := e.downDuring(role, from, e.clock); ok {
		sev = Warning
		summary += " The " + role + " link (" + l.dev + ") was down " + sp.String() + ": it may have gone unseen."
	}
	a := Alert{
		Kind: KindRefundWithoutSale, Severity: sev, State: Raised, Time: rt.at,
		Summary: summary, Payment: paymentEvidence(v), Currency: v.Currency, Device: v.Device,
	}
	if role == RoleTerminal {
		e.lower(&a, RoleTerminal, from, rt.at, "the sale may be in it")
	} else {
		e.lower(&a, RolePrinter, from, e.clock, "the refund receipt may be in it")
	}
	return []finding{{alert: a, evidence: []string{rt.id}}}
}

// originalName names the sale a void or refund refers to.
func originalName(v *drivers.Payment) string {
	switch {
	case v.OriginalReceipt != "" && v.OriginalTrace != "":
		return "receipt " + v.OriginalReceipt + ", trace " + v.OriginalTrace
	case v.OriginalReceipt != "":
		return "receipt " + v.OriginalReceipt
	}
	return "trace " + v.OriginalTrace
}
