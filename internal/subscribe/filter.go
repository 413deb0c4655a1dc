package subscribe

import (
	"slices"
	"strings"
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
	base := strings.Join([]string{prefix, site, lane}, "/")
	return base + "/alert/" + kind, base + "/status"
}

// parseTopic splits {prefix}/{site}/{lane}/{rest...}.
func parseTopic(prefix, topic string) (site, lane, rest string, ok bool) {
	t, found := strings.CutPrefix(topic, prefix+"/")
	if !found {
		return "", "", "", false
	}
	parts := strings.SplitN(t, "/", 3)
	if len(parts) != 3 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}
