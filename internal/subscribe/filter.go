package subscribe

import (
	"slices"

	"github.com/tillwatch/tillwatch/agent/topic"
)

// Filter selects alerts by site, lane and kind; an empty list matches all.
type Filter struct {
	Sites, Lanes, Kinds []string
}

// Match reports whether an alert of kind from site/lane passes. Statuses
// have no kind: pass "".
func (f Filter) Match(site, lane, kind string) bool {
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	return in(f.Sites, site) && in(f.Lanes, lane) && (kind == "" || in(f.Kinds, kind))
}

// Topics returns the subscription filters for prefix: the alert filter and
// the status filter, narrowed to one site, lane or kind when only one is
// asked for (the broker then sends less); Match still applies.
func (f Filter) Topics(prefix string) (alerts, status string) {
	one := func(list []string) string {
		if len(list) == 1 {
			return list[0]
		}
		return "+"
	}
	site, lane := one(f.Sites), one(f.Lanes)
	kind := "#"
	if len(f.Kinds) == 1 {
		kind = f.Kinds[0]
	}
	l := topic.New(prefix, site, lane)
	return l.Alert(kind), l.Status()
}
