package drivers

import (
	"testing"
	"time"
)

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
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for i, s := range steps {
		at := t0.Add(time.Duration(i) * time.Second)
		if s.frame == nil {
			x.Between(s.dir, s.between, at)
			continue
		}
		if got := x.Frame(s.dir, s.frame, at); got != s.isNew {
			t.Errorf("step %d: Frame = %v, want %v", i, got, s.isNew)
		}
	}
	want := ExchangeCounts{Frames: 6, ACKs: 2, NAKs: 1, Retransmits: 2, NoiseBytes: 1}
	if got := x.Counts(); got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
}

// TestExchangeEarlyAck: on a two-line tap the receiver's ACK can be read a
// moment before the frame it acknowledges. Within AckSkew it still
// acknowledges that frame, so the next frame with the same bytes (the same
// amount for the next customer) is a new message, not a retransmission;
// an ACK read longer before proves nothing.
func TestExchangeEarlyAck(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	req := []byte("06 01 amount 12.00")
	for _, tc := range []struct {
		name   string
		before time.Duration // how long before the request its ACK was read
		isNew  bool          // the next identical request
	}{
		{"ack read 0.1 ms before its frame", 100 * time.Microsecond, true},
		{"ack read AckSkew before", AckSkew, true},
		{"ack read longer before", AckSkew + time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var x Exchange
			at := t0
			if !x.Frame(0, req, at) {
				t.Fatal("first request not new")
			}
			x.Between(1, []byte{ACK}, at.Add(time.Millisecond)) // acknowledged in order
			at = at.Add(5 * time.Second)
			x.Between(1, []byte{ACK}, at.Add(-tc.before)) // read before the request it acknowledges
			if !x.Frame(0, req, at) {
				t.Fatal("second request (acknowledged before) not new")
			}
			if got := x.Frame(0, req, at.Add(5*time.Second)); got != tc.isNew {
				t.Errorf("third request new = %v, want %v", got, tc.isNew)
			}
		})
	}
}
