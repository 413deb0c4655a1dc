package subscribe

// Dedup remembers the last Size ids it saw: bounded memory, and a repeat
// older than Size other ids passes again (at-least-once redelivery comes
// within seconds, not thousands of alerts later).
type Dedup struct {
	size int
	seen map[string]struct{}
	ring []string
	next int
}

// DefaultDedupSize is the ids a Watcher remembers.
const DefaultDedupSize = 100_000

// NewDedup returns a Dedup remembering size ids (at least 1).
func NewDedup(size int) *Dedup {
	size = max(size, 1)
	return &Dedup{size: size, seen: make(map[string]struct{}, min(size, 1024)), ring: make([]string, 0, min(size, 1024))}
}

// First reports whether id is new, and remembers it.
func (d *Dedup) First(id string) bool {
	if _, ok := d.seen[id]; ok {
		return false
	}
	if len(d.ring) < d.size {
		d.ring = append(d.ring, id)
	} else {
		delete(d.seen, d.ring[d.next])
		d.ring[d.next] = id
		d.next = (d.next + 1) % d.size
	}
	d.seen[id] = struct{}{}
	return true
}
