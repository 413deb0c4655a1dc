package outbox

import (
	"slices"

	"github.com/tillwatch/tillwatch/buffer"
)

// maxHeld bounds the alerts held in memory while the outbox cannot store
// them (disk full): about 1,000 alerts of ~1 KiB.
const maxHeld = 1000

// heldAlert is an alert the outbox refused, waiting for room.
type heldAlert struct {
	id    string
	class buffer.Class
	value []byte
}

// held keeps alerts the outbox could not store, oldest first, and counts
// those it had to drop. Writer.mu guards it.
type held struct {
	items   []heldAlert
	dropped buffer.ShedCounts
}

// add keeps h; beyond maxHeld it drops the oldest alert of the lowest
// class present (info, then warning, then critical) and returns it.
func (h *held) add(a heldAlert) (dropped heldAlert, ok bool) {
	h.items = append(h.items, a)
	if len(h.items) <= maxHeld {
		return heldAlert{}, false
	}
	victim := 0
	for i, it := range h.items {
		if it.class < h.items[victim].class {
			victim = i
		}
	}
	dropped = h.items[victim]
	h.items = slices.Delete(h.items, victim, victim+1)
	h.dropped = addShed(h.dropped, dropped.class)
	return dropped, true
}

func addShed(s buffer.ShedCounts, c buffer.Class) buffer.ShedCounts {
	switch c {
	case buffer.ClassInfo:
		s.Info++
	case buffer.ClassWarning:
		s.Warning++
	default:
		s.Critical++
	}
	return s
}
