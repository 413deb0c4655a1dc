package status

import (
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/drivers"
)

// maxToday bounds the alerts of today the view keeps for the manager page.
const maxToday = 500

// PrinterState is a printer's last reported state.
type PrinterState struct {
	Device   string                 `json:"device"`
	Time     time.Time              `json:"time"`
	Evidence detect.PrinterEvidence `json:"state"`
}

// today keeps the lane's alerts of the current day (lane time zone) and
// the printers' states.
type today struct {
	loc      *time.Location
	day      string
	alerts   []detect.Alert // oldest first
	printers []PrinterState
}

func (t *today) dayOf(at time.Time) string { return at.In(t.loc).Format(time.DateOnly) }

// alert adds an alert, starting a new day when its detection is on one.
// An alert it has (same id: rebuilt after a restart, then re-decided) is
// kept once.
func (t *today) alert(al detect.Alert) {
	d := t.dayOf(al.Detected)
	if d != t.day {
		if d < t.day {
			return // late for a day gone
		}
		t.day, t.alerts = d, nil
	}
	if slices.ContainsFunc(t.alerts, func(a detect.Alert) bool { return a.ID == al.ID }) {
		return
	}
	if len(t.alerts) >= maxToday {
		t.alerts = t.alerts[1:]
	}
	// Masked again: a decoder that failed to must not put a card number
	// on the manager page or in /status.json.
	al.Summary = maskText(al.Summary)
	if al.Payment != nil {
		p := *al.Payment
		p.Card = drivers.MaskPAN(p.Card)
		al.Payment = &p
	}
	t.alerts = append(t.alerts, al)
}

// status records a printer status: a full answer replaces the state, a
// partial one (a DLE EOT class) adds the faults it reports.
func (t *today) status(s *drivers.PrinterStatus) {
	i := slices.IndexFunc(t.printers, func(p PrinterState) bool { return p.Device == s.Device })
	if i < 0 {
		t.printers = append(t.printers, PrinterState{Device: s.Device})
		i = len(t.printers) - 1
	}
	p := &t.printers[i]
	e := detect.PrinterEvidence{Online: s.Online, Offline: s.Offline, CoverOpen: s.CoverOpen, PaperEnd: s.PaperEnd,
		PaperNearEnd: s.PaperNearEnd, CutterError: s.CutterError, Unrecoverable: s.Unrecoverable,
		AutoRecoverable: s.AutoRecoverable, Error: s.Error, NoReply: s.NoReply, Known: true, Via: s.Via}
	if s.Partial && p.Evidence.Known {
		o := p.Evidence
		e.Offline, e.CoverOpen, e.PaperEnd = e.Offline || o.Offline, e.CoverOpen || o.CoverOpen, e.PaperEnd || o.PaperEnd
		e.PaperNearEnd, e.CutterError = e.PaperNearEnd || o.PaperNearEnd, e.CutterError || o.CutterError
		e.Online = !e.Offline
	}
	p.Evidence, p.Time = e, s.Time
}

// fill copies today's alerts (those of now's day) and the printers.
func (t *today) fill(s *Snapshot) {
	if t.day == t.dayOf(s.Now) || s.Now.IsZero() {
		s.Today = slices.Clone(t.alerts)
	}
	s.Printers = slices.Clone(t.printers)
}
