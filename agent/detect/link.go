package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// link is what the engine knows about one device's link: whether it is
// down, since when, and the spans it was down within the horizon, so that
// an alert can say the device was out of sight while its evidence was
// gathered.
type link struct {
	dev      string
	down     bool
	since    time.Time
	raisedBy string // the event that raised device_offline; "" when none
	reason   string
	spans    []span // down spans, oldest first; the last is open while down
}

// span is a time a link was down; to is zero while it still is.
type span struct{ from, to time.Time }

// String says when: "from 10:15:03 to 10:17:00" or "since 10:15:03".
func (s span) String() string {
	if s.to.IsZero() {
		return "since " + clock(s.from)
	}
	return "from " + clock(s.from) + " to " + clock(s.to)
}

// overlaps reports whether the span meets [from, to].
func (s span) overlaps(from, to time.Time) bool {
	return !s.from.After(to) && (s.to.IsZero() || !s.to.Before(from))
}

// trim drops spans that ended before cutoff.
func (l *link) trim(cutoff time.Time) {
	l.spans = slices.DeleteFunc(l.spans, func(s span) bool { return !s.to.IsZero() && s.to.Before(cutoff) })
}

// linkOf returns a device's link state, creating it.
func (e *Engine) linkOf(dev string) *link {
	i, found := slices.BinarySearchFunc(e.links, dev, func(l *link, d string) int { return strings.Compare(l.dev, d) })
	if found {
		return e.links[i]
	}
	l := &link{dev: dev}
	e.links = slices.Insert(e.links, i, l)
	return l
}

// addLink takes in a link going up or down and lets device_offline look.
func (e *Engine) addLink(v *drivers.Link, id string) {
	l := e.linkOf(v.Device)
	wasDown := l.down
	switch {
	case !v.Up && !l.down:
		l.down, l.since, l.reason = true, v.Time, v.Reason
		l.spans = append(l.spans, span{from: v.Time})
	case v.Up && l.down:
		l.down = false
		if n := len(l.spans); n > 0 && l.spans[n-1].to.IsZero() {
			l.spans[n-1].to = v.Time
		}
	}
	if wasDown == l.down {
		return // up while up, down while down: no transition
	}
	e.fire(trigger{on: onLink, link: l, linkEv: v, linkID: id})
}

// downDuring returns the first link of a device with the given role that
// was down at some time in [from-skew, to+skew], and that span.
func (e *Engine) downDuring(role string, from, to time.Time) (*link, span, bool) {
	from, to = from.Add(-e.cfg.ClockSkew), to.Add(e.cfg.ClockSkew)
	for _, l := range e.links {
		if e.role(l.dev) != role {
			continue
		}
		for _, s := range l.spans {
			if s.overlaps(from, to) {
				return l, s, true
			}
		}
	}
	return nil, span{}, false
}

// role is a device's role: configured, else learnt from what it sent.
func (e *Engine) role(dev string) string { return e.roles[dev] }

// learnRole notes what a device is from an event it sent, unless the
// configuration said.
func (e *Engine) learnRole(dev, role string) {
	if _, ok := e.roles[dev]; ok {
		return
	}
	if e.roles == nil {
		e.roles = map[string]string{}
	}
	e.roles[dev] = role
}

// expectsPayments reports whether the lane has a terminal the engine can
// hear: one configured, or one that sent something.
func (e *Engine) expectsPayments() bool {
	for _, r := range e.roles {
		if r == RoleTerminal {
			return true
		}
	}
	return false
}
