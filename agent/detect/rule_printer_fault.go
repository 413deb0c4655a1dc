package detect

// printerFault raises printer_fault on the transition into a fault
// (critical) or into paper near end alone (warning), and resolves it when
// the printer leaves that level. A change from one fault to another keeps
// the incident; an escalation from near end to a fault resolves the warning
// and raises the fault. Both alerts of an incident are about the status
// that raised it, so they share the incident id and differ by state.
//
// The first status ever seen counts as a transition from "all clear". After
// a restart (Engine.Resume) a fault already in force is not raised again,
// and its resolution names the first status the new engine saw.
type printerFault struct{}

func (printerFault) check(e *Engine, t trigger) []finding {
	if t.on != onStatus {
		return nil
	}
	p, s := t.prn, t.status
	lvl := levelOf(p.cur)
	if lvl == p.level {
		return nil
	}
	var out []finding
	if p.level != levelOK && p.raisedBy != "" {
		pe := printerEvidence(p.cur, true)
		sev := Critical
		if p.level == levelWarn {
			sev = Warning
		}
		out = append(out, finding{
			alert: Alert{
				Kind: KindPrinterFault, Severity: sev, State: Resolved, Time: s.Time,
				Summary: "Printer " + sevWord(sev) + " on " + p.dev + " cleared at " + clock(s.Time) + " (was " + p.cause + ").",
				Printer: &pe, Device: p.dev,
			},
			evidence: []string{p.raisedBy},
		})
	}
	p.level, p.raisedBy, p.cause = lvl, "", ""
	if lvl == levelOK {
		return out
	}
	pe := printerEvidence(p.cur, true)
	p.raisedBy, p.cause = t.statusID, describe(pe)
	sev := Critical
	if lvl == levelWarn {
		sev = Warning
	}
	return append(out, finding{
		alert: Alert{
			Kind: KindPrinterFault, Severity: sev, State: Raised, Time: s.Time,
			Summary: "Printer " + sevWord(sev) + " on " + p.dev + ": " + p.cause + " since " + clock(s.Time) + ".",
			Printer: &pe, Device: p.dev,
		},
		evidence: []string{p.raisedBy},
	})
}

func sevWord(s Severity) string {
	if s == Warning {
		return "warning"
	}
	return "fault"
}
