package detect

// deviceOffline raises device_offline (warning) when a device's link goes
// down and resolves it when the link comes back up: while it is down the
// agent sees nothing of that device, so other alerts about it are
// lowered to warnings. Both alerts of an incident are about the event that
// took the link down. A link that comes up with no known down (the first
// up, or after a restart that lost the down) changes nothing.
type deviceOffline struct{}

func (deviceOffline) check(e *Engine, t trigger) []finding {
	if t.on != onLink {
		return nil
	}
	l, v := t.link, t.linkEv
	what := "Device"
	switch e.role(l.dev) {
	case RolePrinter:
		what = "Printer"
	case RoleTerminal:
		what = "Terminal"
	}
	if l.down {
		l.raisedBy = t.linkID
		summary := what + " link (" + l.dev + ") down at " + clock(v.Time)
		if v.Reason != "" {
			summary += " (" + v.Reason + ")"
		}
		return []finding{{
			alert: Alert{
				Kind: KindDeviceOffline, Severity: Warning, State: Raised, Time: v.Time,
				Summary: summary + ": nothing it says is seen until it is back.", Device: l.dev,
			},
			evidence: []string{l.raisedBy},
		}}
	}
	if l.raisedBy == "" {
		return nil
	}
	id := l.raisedBy
	l.raisedBy = ""
	return []finding{{
		alert: Alert{
			Kind: KindDeviceOffline, Severity: Warning, State: Resolved, Time: v.Time,
			Summary: what + " link (" + l.dev + ") back up at " + clock(v.Time) + " after " + v.Time.Sub(l.since).String() + ".",
			Device:  l.dev,
		},
		evidence: []string{id},
	}}
}
