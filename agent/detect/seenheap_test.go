package detect

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestSeenHeap pushes times in random order, with repeats, and pops them
// in time order, interleaved with more pushes.
func TestSeenHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var h seenHeap
	var want []time.Time
	var got []time.Time
	for i := range 2000 {
		at := t0.Add(time.Duration(rng.IntN(500)) * time.Second)
		h.push(seenID{at: at, id: "x"})
		want = append(want, at)
		if i%3 == 0 {
			slices.SortFunc(want, time.Time.Compare)
			got = append(got, h.pop().at)
			if !got[len(got)-1].Equal(want[0]) {
				t.Fatalf("pop %d: %v, want %v", len(got), got[len(got)-1], want[0])
			}
			want = want[1:]
		}
	}
	slices.SortFunc(want, time.Time.Compare)
	for _, w := range want {
		if at := h.pop().at; !at.Equal(w) {
			t.Fatalf("pop: %v, want %v", at, w)
		}
	}
	if len(h) != 0 {
		t.Fatalf("%d left", len(h))
	}
}
