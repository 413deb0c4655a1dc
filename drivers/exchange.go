package drivers

import (
	"hash/fnv"
	"time"
)

// ACK and NAK are the acknowledgement bytes of framed serial links (ZVT
// serial, Transbank POS Integrado, binary template framings): the
// receiver of a frame answers with one of them.
const (
	ACK = 0x06
	NAK = 0x15
)

// ExchangeCounts is what an Exchange counted.
type ExchangeCounts struct {
	Frames      int // good frames, retransmissions included
	ACKs        int // ACK bytes between frames
	NAKs        int // NAK bytes between frames
	Retransmits int // frames dropped as repeats of an unacknowledged frame
	NoiseBytes  int // bytes between frames other than ACK and NAK
}

// Exchange follows both directions of a framed link whose receiver answers
// every frame with ACK or NAK. It counts the bytes between frames, and it
// tells a new frame from the sender repeating its last one because no ACK
// came (after a NAK or a timeout), so a decoder reports each message once.
// Directions are 0 (host) and 1 (device). The zero value is ready; it is
// not safe for concurrent use.
type Exchange struct {
	dirs   [2]exchangeDir
	counts ExchangeCounts
}

// exchangeDir is one direction's last frame, by hash (no card data kept).
type exchangeDir struct {
	last    uint64
	hasLast bool
	acked   bool      // the other direction ACKed it
	early   time.Time // an ACK read while no frame of this direction waited for one
}

// AckSkew is how long an ACK read while the other direction had no frame
// waiting for one is kept for that direction's next frame. On a two-line
// tap the two directions are read by two readers, so the receiver's ACK
// can be read a moment before the frame it acknowledges; without it, that
// frame would count as never acknowledged, and the next frame with the
// same bytes (the same amount keyed for the next customer) as its
// retransmission, and be dropped.
const AckSkew = 150 * time.Millisecond

// Between takes the bytes direction dir sent between frames, read at t: an
// ACK acknowledges the other direction's last frame (or, when that one
// was acknowledged already, its next frame read within AckSkew), a NAK
// asks for it again, anything else is noise.
func (x *Exchange) Between(dir int, b []byte, t time.Time) {
	peer := &x.dirs[1-dir&1]
	for _, c := range b {
		switch c {
		case ACK:
			x.counts.ACKs++
			if !peer.hasLast || peer.acked {
				peer.early = t
			}
			peer.acked = true
		case NAK:
			x.counts.NAKs++
			peer.acked = false
		default:
			x.counts.NoiseBytes++
		}
	}
}

// Frame takes a good frame (or its payload) direction dir sent, read at
// t, and reports whether it is new; false means it repeats the last frame,
// which was never acknowledged, and is counted as a retransmission.
func (x *Exchange) Frame(dir int, frame []byte, t time.Time) bool {
	s := &x.dirs[dir&1]
	x.counts.Frames++
	h := fnv.New64a()
	h.Write(frame)
	sum := h.Sum64()
	early := !s.early.IsZero() && !t.Before(s.early) && t.Sub(s.early) <= AckSkew
	s.early = time.Time{}
	if s.hasLast && sum == s.last && !s.acked {
		x.counts.Retransmits++
		return false
	}
	s.last, s.hasLast, s.acked = sum, true, early
	return true
}

// Counts returns the counters so far.
func (x *Exchange) Counts() ExchangeCounts { return x.counts }
