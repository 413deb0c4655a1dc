package detect

import "strconv"

// settlementMismatch raises settlement_mismatch (critical) when a
// terminal's end-of-day total differs (beyond AmountTolerance) from the
// approved payments the journal holds for the same period: the
// settlement's receipt number range when it names one, else the time since
// the terminal's previous settlement (see Engine.reconcile). Sales and
// captures count unless voided, refunds count negative. delta is the
// terminal's total minus the journal's. When the terminal link was down
// during the period, payments may be missing from the journal: the alert
// is a warning and says so. A settlement whose period start is unknown
// (no range, no earlier settlement, the agent not listening long enough)
// is not judged.
type settlementMismatch struct{}

func (settlementMismatch) check(e *Engine, t trigger) []finding {
	if t.on != onSettlement {
		return nil
	}
	s := t.settle
	tot, ok := e.reconcile(s)
	if !ok {
		return nil
	}
	delta := s.ev.Total - tot.net
	if e.equal(delta, 0) {
		return nil
	}
	cur := s.ev.Currency
	period := "receipts " + s.ev.From + " to " + s.ev.To
	if !tot.byRange {
		period = "since " + tot.since.Format("2006-01-02 15:04:05")
	}
	how := "more"
	if delta < 0 {
		how = "less"
	}
	summary := "Terminal end-of-day at " + clock(s.at) + " (" + period + ") reports " + FormatMoney(s.ev.Total, cur) +
		" in " + strconv.Itoa(s.ev.Count) + " transactions but the journal has " + FormatMoney(tot.net, cur) +
		" in " + strconv.Itoa(tot.count) + ": " + FormatMoney(max(delta, -delta), cur) + " " + how + " on the terminal."
	sev := Critical
	from := s.at.Add(-e.cfg.SettlementWindow)
	if !tot.byRange {
		from = tot.since
	}
	if l, sp, ok := e.downDuring(RoleTerminal, from, s.at); ok {
		sev = Warning
		summary += " The terminal link (" + l.dev + ") was down " + sp.String() + ": payments may be missing from the journal."
	}
	a := Alert{
		Kind: KindSettlementMismatch, Severity: sev, State: Raised, Time: s.at,
		Summary: summary, Delta: &delta, Currency: cur, Device: s.dev,
	}
	e.lower(&a, RoleTerminal, from, s.at, "payments may be missing from the journal")
	return []finding{{alert: a, evidence: []string{s.id}}}
}
