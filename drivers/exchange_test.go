package drivers

import "testing"

// TestExchange: a frame repeated after a NAK (or with no answer) is a
// retransmission; the same frame after an ACK is a new message; each
// direction keeps its own last frame; bytes between frames are counted.
func TestExchange(t *testing.T) {
	var x Exchange
	a, b := []byte("0200|8000|"), []byte("0210|00|")
	steps := []struct {
		dir     int
		frame   []byte
		between []byte
		isNew   bool
	}{
		{dir: 0, frame: a, isNew: true},
		{dir: 1, between: []byte{NAK}},
		{dir: 0, frame: a, isNew: false}, // repeated after NAK
		{dir: 0, frame: a, isNew: false}, // repeated, no answer yet
		{dir: 1, between: []byte{ACK}},
		{dir: 1, frame: b, isNew: true},     // the other direction: its own last frame
		{dir: 0, frame: a, isNew: true},     // acknowledged before: a new message with the same bytes
		{dir: 0, between: []byte{ACK, 'x'}}, // acknowledges b; one noise byte
		{dir: 1, frame: b, isNew: true},
	}
	for i, s := range steps {
		if s.frame == nil {
			x.Between(s.dir, s.between)
			continue
		}
		if got := x.Frame(s.dir, s.frame); got != s.isNew {
			t.Errorf("step %d: Frame = %v, want %v", i, got, s.isNew)
		}
	}
	want := ExchangeCounts{Frames: 6, ACKs: 2, NAKs: 1, Retransmits: 2, NoiseBytes: 1}
	if got := x.Counts(); got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
}
