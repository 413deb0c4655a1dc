package detect

import "time"

// seenID is an event id with the time it was first seen.
type seenID struct {
	at time.Time
	id string
}

// seenHeap is a min-heap of seen ids by time (container/heap.Interface).
type seenHeap []seenID

func (h seenHeap) Len() int           { return len(h) }
func (h seenHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h seenHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }

// Push adds x, a seenID.
func (h *seenHeap) Push(x any) { *h = append(*h, x.(seenID)) }

// Pop removes and returns the last element (container/heap moved the
// least there).
func (h *seenHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = seenID{} // let the id go
	*h = old[:len(old)-1]
	return x
}
