package notify

import (
	"fmt"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
)

// Filter picks the alerts a channel gets. Zero fields let everything
// through.
type Filter struct {
	// MinSeverity drops raised alerts below it (a resolved alert follows
	// its raised one: it passes when the severity does).
	MinSeverity detect.Severity
	// Kinds, Lanes ("lane" or "site/lane") and Sites keep only those.
	Kinds, Lanes, Sites []string
	// NoResolved drops resolved alerts.
	NoResolved bool
}

// Pass reports whether al goes to the channel.
func (f Filter) Pass(al *detect.Alert) bool {
	if f.MinSeverity != "" && rank(al.Severity) < rank(f.MinSeverity) {
		return false
	}
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, al.Kind) {
		return false
	}
	if len(f.Lanes) > 0 && !slices.Contains(f.Lanes, al.Lane) && !slices.Contains(f.Lanes, al.Site+"/"+al.Lane) {
		return false
	}
	if len(f.Sites) > 0 && !slices.Contains(f.Sites, al.Site) {
		return false
	}
	return !(f.NoResolved && al.State == detect.Resolved)
}

// Quiet is a daily quiet period in a time zone ("22:00-07:00"): alerts
// that are not critical wait until it ends; critical ones always go.
type Quiet struct {
	From, To time.Duration // after local midnight; From > To wraps midnight
	Loc      *time.Location
}

// ParseQuiet reads "HH:MM-HH:MM"; "" is no quiet period.
func ParseQuiet(s string, loc *time.Location) (*Quiet, error) {
	if s == "" {
		return nil, nil
	}
	var h1, m1, h2, m2 int
	if _, err := fmt.Sscanf(s, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil || h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0 {
		return nil, fmt.Errorf("notify: quiet hours %q: want HH:MM-HH:MM, e.g. 22:00-07:00", s)
	}
	if loc == nil {
		loc = time.Local
	}
	return &Quiet{From: time.Duration(h1)*time.Hour + time.Duration(m1)*time.Minute,
		To: time.Duration(h2)*time.Hour + time.Duration(m2)*time.Minute, Loc: loc}, nil
}

// Until returns when the quiet period around t ends, or the zero time
// when t is not in one.
func (q *Quiet) Until(t time.Time) time.Time {
	if q == nil || q.From == q.To {
		return time.Time{}
	}
	l := t.In(q.Loc)
	midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, q.Loc)
	off := l.Sub(midnight)
	switch {
	case q.From < q.To && off >= q.From && off < q.To:
		return midnight.Add(q.To)
	case q.From > q.To && off >= q.From:
		return midnight.AddDate(0, 0, 1).Add(q.To)
	case q.From > q.To && off < q.To:
		return midnight.Add(q.To)
	}
	return time.Time{}
}
