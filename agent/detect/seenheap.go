package detect

import "time"

// seenID is an event id with the time it was first seen.
type seenID struct {
	at time.Time
	id string
}

// seenHeap is a min-heap of seen ids by time. By hand rather than through
// container/heap, whose Push and Pop box each element in an interface (two
// allocations per event).
type seenHeap []seenID

// push adds x.
func (h *seenHeap) push(x seenID) {
	*h = append(*h, x)
	s := *h
	for i := len(s) - 1; i > 0; {
		parent := (i - 1) / 2
		if !s[i].at.Before(s[parent].at) {
			break
		}
		s[i], s[parent] = s[parent], s[i]
		i = parent
	}
}

// pop removes and returns the earliest; the heap must not be empty.
func (h *seenHeap) pop() seenID {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s[last] = seenID{} // let the id go
	s = s[:last]
	for i := 0; ; {
		least, l, r := i, 2*i+1, 2*i+2
		if l < len(s) && s[l].at.Before(s[least].at) {
			least = l
		}
		if r < len(s) && s[r].at.Before(s[least].at) {
			least = r
		}
		if least == i {
			break
		}
		s[i], s[least] = s[least], s[i]
		i = least
	}
	*h = s
	return top
}
