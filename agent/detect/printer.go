package detect

import (
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// printer is what the engine knows about one printer: its merged state and
// the recent history of it, so a job can be checked against the state at
// its start, during it and right after it.
type printer struct {
	dev     string
	cur     drivers.PrinterStatus // merged state; Head and Partial unused
	updated time.Time
	hist    []snapshot // merged state after each status, in arrival order
	// The printer_fault rule's incident: the level reported last and the
	// status event that raised it.
	level    faultLevel
	raisedBy string
	cause    string
}

// snapshot is the merged printer state from a time on.
type snapshot struct {
	at time.Time
	st drivers.PrinterStatus
}

// faultLevel ranks a printer state for printer_fault.
type faultLevel uint8

const (
	levelOK    faultLevel = iota
	levelWarn             // paper near end only
	levelFault            // the printer cannot print a receipt
)

func levelOf(st drivers.PrinterStatus) faultLevel {
	switch {
	case st.Fault():
		return levelFault
	case st.PaperNearEnd:
		return levelWarn
	}
	return levelOK
}

// merge applies a status to the current state. A full status replaces it.
// A partial one (a DLE EOT n answer) updates exactly the flags of its class
// (ESCPOS.md section 2: 1 offline; 2 cover open, paper end, error; 3 cutter
// error, unrecoverable, auto-recoverable; 4 paper near end, paper end); a
// partial status of an unknown class only adds the flags it sets. A "no
// reply" status keeps the known flags and adds NoReply; any answer clears
// NoReply. Online is recomputed as "no fault".
func merge(cur drivers.PrinterStatus, s *drivers.PrinterStatus) drivers.PrinterStatus {
	var n drivers.PrinterStatus
	switch {
	case s.NoReply:
		n = cur
		n.NoReply = true
	case !s.Partial:
		n = *s
	default:
		n = cur
		n.NoReply = false
		switch s.Via {
		case "dle_eot_1":
			n.Offline = s.Offline
		case "dle_eot_2":
			n.CoverOpen, n.PaperEnd, n.Error = s.CoverOpen, s.PaperEnd, s.Error
		case "dle_eot_3":
			n.CutterError, n.Unrecoverable, n.AutoRecoverable = s.CutterError, s.Unrecoverable, s.AutoRecoverable
		case "dle_eot_4":
			n.PaperNearEnd, n.PaperEnd = s.PaperNearEnd, s.PaperEnd
		default:
			n.Offline = n.Offline || s.Offline
			n.CoverOpen = n.CoverOpen || s.CoverOpen
			n.PaperEnd = n.PaperEnd || s.PaperEnd
			n.PaperNearEnd = n.PaperNearEnd || s.PaperNearEnd
			n.CutterError = n.CutterError || s.CutterError
			n.Unrecoverable = n.Unrecoverable || s.Unrecoverable
			n.AutoRecoverable = n.AutoRecoverable || s.AutoRecoverable
			n.Error = n.Error || s.Error
		}
	}
	n.Head = drivers.Head{}
	n.Partial = false
	n.Via = s.Via
	n.Online = !n.Fault()
	return n
}

// apply records a status.
func (p *printer) apply(s *drivers.PrinterStatus) {
	p.cur = merge(p.cur, s)
	p.updated = s.Time
	p.hist = append(p.hist, snapshot{at: s.Time, st: p.cur})
}

// stateAt returns the state in force at t.
func (p *printer) stateAt(t time.Time) (drivers.PrinterStatus, bool) {
	for i := len(p.hist) - 1; i >= 0; i-- {
		if !p.hist[i].at.After(t) {
			return p.hist[i].st, true
		}
	}
	return drivers.PrinterStatus{}, false
}

// firstFault finds the first fault in force between from and until: the
// state at from, or a status reported after from and before until. phase
// says which: "at" (at from), "during" (by mid) or "after" (after mid).
func (p *printer) firstFault(from, mid, until time.Time) (st drivers.PrinterStatus, phase string, ok bool) {
	if s, known := p.stateAt(from); known && s.Fault() {
		return s, "at", true
	}
	for _, h := range p.hist {
		if h.at.After(from) && h.at.Before(until) && h.st.Fault() {
			if h.at.After(mid) {
				return h.st, "after", true
			}
			return h.st, "during", true
		}
	}
	return drivers.PrinterStatus{}, "", false
}

// trim forgets history before cutoff, keeping the state in force at it.
func (p *printer) trim(cutoff time.Time) {
	i := 0
	for i+1 < len(p.hist) && !p.hist[i+1].at.After(cutoff) {
		i++
	}
	if i > 0 {
		p.hist = append(p.hist[:0], p.hist[i:]...)
	}
}

// printerEvidence is the contract's view of a printer state.
func printerEvidence(st drivers.PrinterStatus, known bool) PrinterEvidence {
	if !known {
		return PrinterEvidence{}
	}
	return PrinterEvidence{
		Online: st.Online, Offline: st.Offline, CoverOpen: st.CoverOpen, PaperEnd: st.PaperEnd,
		PaperNearEnd: st.PaperNearEnd, CutterError: st.CutterError, Unrecoverable: st.Unrecoverable,
		AutoRecoverable: st.AutoRecoverable, Error: st.Error, NoReply: st.NoReply, Known: true, Via: st.Via,
	}
}

// describe names what a printer state reports, in words: "paper end,
// cover open"; "" when it reports nothing wrong.
func describe(pe PrinterEvidence) string {
	var w []string
	for _, f := range []struct {
		on   bool
		word string
	}{
		{pe.PaperEnd, "paper end"}, {pe.CoverOpen, "cover open"}, {pe.CutterError, "cutter error"},
		{pe.Unrecoverable, "unrecoverable error"}, {pe.AutoRecoverable, "auto-recoverable error"},
		{pe.Error, "error"}, {pe.NoReply, "no reply to a status request"},
	} {
		if f.on {
			w = append(w, f.word)
		}
	}
	if pe.Offline && len(w) == 0 { // a paper end or open cover also sets offline
		w = append(w, "offline")
	}
	if pe.PaperNearEnd && !pe.PaperEnd {
		w = append(w, "paper near end")
	}
	return strings.Join(w, ", ")
}

// printerCause is the summary clause about a printer state.
func printerCause(pe PrinterEvidence) string {
	switch d := describe(pe); {
	case !pe.Known:
		return "no printer status was ever seen"
	case d == "":
		return "printer reported no fault"
	default:
		return "printer reported " + d
	}
}
