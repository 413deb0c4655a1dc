package transbank

import "github.com/tillwatch/tillwatch/drivers"

// Redactor makes a Transbank link safe to capture: in every frame, card
// numbers and track data (drivers.MaskTextPANs: a Luhn-valid 13-19 digit
// run keeps its first 6 and last 4) are masked and the LRC recomputed in
// the form the frame used, so a redacted capture replays to the same
// events. The protocol carries only the last 4 digits; this guards against
// a terminal or register that sends more. Bytes between frames (ACK, NAK)
// pass, their digits masked (the rest of a frame a redactor started inside,
// a frame whose STX was lost); broken frames are dropped, since they
// cannot be checked.
type Redactor struct {
	buf [2][]byte // per direction: an incomplete frame
}

// NewRedactor returns a Redactor for one Transbank link.
func NewRedactor() *Redactor { return &Redactor{} }

// Redact returns the bytes of data safe to write down, holding back an
// incomplete frame until a later call completes it.
func (r *Redactor) Redact(dir drivers.Direction, data []byte) []byte {
	i := 0
	if dir == drivers.FromDevice {
		i = 1
	}
	b := append(r.buf[i], data...)
	var out []byte
	for len(b) > 0 {
		adv, payload, withSTX, err := splitFrame(b, false)
		if adv == 0 && payload == nil && err == nil {
			break // more data needed
		}
		switch {
		case err != nil:
			// broken: dropped
		case payload == nil:
			// ACK, NAK, noise outside frames: the rest of a frame begun
			// before the redactor, or a frame whose STX was lost, holds
			// card data no frame check sees. Its digits are masked.
			for _, c := range b[:adv] {
				if c >= '0' && c <= '9' {
					c = drivers.MaskChar
				}
				out = append(out, c)
			}
		default:
			p := append([]byte(nil), payload...)
			drivers.MaskTextPANs(p)
			if withSTX {
				out = append(out, FrameWithSTX(p)...)
			} else {
				out = append(out, Frame(p)...)
			}
		}
		b = b[adv:]
	}
	if len(b) > MaxFrame {
		b = nil // splitFrame bounds frames; never hold more than one
	}
	r.buf[i] = append(r.buf[i][:0], b...)
	return out
}
