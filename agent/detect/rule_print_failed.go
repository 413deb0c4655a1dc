package detect

// printFailed raises print_failed (warning) for a job that did not
// complete: it was never cut, or the printer was faulted at its start,
// during it or within StatusGrace after it. The engine decides the job
// once StatusGrace is over; the alert is about the job alone, so the same
// job always has the same alert id whatever status revealed it.
type printFailed struct{}

func (printFailed) check(e *Engine, t trigger) []finding {
	if t.on != onReceipt || t.rec.state != recFailed {
		return nil
	}
	r := t.rec
	ev := r.evidence
	pe := r.printer
	what := "Receipt job"
	if ev.Number != "" {
		what = "Receipt " + ev.Number
	}
	if r.card > 0 {
		what += " (card " + FormatMoney(r.card, r.currency) + ")"
	}
	a := Alert{
		Kind: KindPrintFailed, Severity: Warning, State: Raised, Time: r.at,
		Summary:  what + " ending " + clock(r.at) + " did not complete: " + r.failure + ".",
		Receipt:  &ev,
		Printer:  &pe,
		Currency: r.currency,
		Device:   r.dev,
	}
	if !r.cut {
		e.lower(&a, RolePrinter, r.start, r.at, "the cut may be in it")
	}
	return []finding{{alert: a, evidence: []string{r.id}}}
}
