package escpos

import "github.com/tillwatch/tillwatch/drivers"

// maxHeldTail bounds the bytes a Redactor holds back at a chunk's end:
// the longest card number with a separator between every digit.
const maxHeldTail = 40

// Redactor masks card numbers a register printed in full (it should not,
// some do) in the raw print stream, for captures and raw views: every
// Luhn-valid run of 13 to 19 digits keeps its first 6 and last 4
// (drivers.MaskTextPANs). A run of digits, spaces and dashes at the end of
// a chunk is held back until the next chunk shows where it ends, so a
// number split across reads is still found. Printer -> host bytes carry no
// text and pass unchanged.
//
// A Redactor may start in the middle of a stream (a technician's tap or
// capture on a printing lane, an agent restarted mid-receipt): the digits
// of a run that starts the stream are masked whole, since it may be the
// rest of a card number, too short for MaskTextPANs to know.
type Redactor struct {
	tail  []byte
	begun bool // a byte that ends a digit run was seen
}

// NewRedactor returns a Redactor for one printer link.
func NewRedactor() *Redactor { return &Redactor{} }

// Redact returns the bytes of data safe to write down, possibly holding
// back a trailing digit run (returned with the next host chunk).
func (r *Redactor) Redact(dir drivers.Direction, data []byte) []byte {
	if dir == drivers.FromDevice {
		return data
	}
	b := append(r.tail, data...)
	r.tail = nil
	for i := 0; !r.begun && i < len(b); i++ {
		switch {
		case !isDigitRunByte(b[i]):
			r.begun = true
		case b[i] >= '0' && b[i] <= '9':
			b[i] = drivers.MaskChar
		}
	}
	drivers.MaskTextPANs(b)
	// Hold back the run's last maxHeldTail bytes: a longer run (a number
	// right-aligned with spaces) is cut there, never written whole, or
	// its digits would leave unmasked.
	cut := len(b)
	for cut > 0 && len(b)-cut < maxHeldTail && isDigitRunByte(b[cut-1]) {
		cut--
	}
	if cut < len(b) {
		r.tail = append([]byte(nil), b[cut:]...)
		b = b[:cut]
	}
	return b
}

func isDigitRunByte(c byte) bool { return c >= '0' && c <= '9' || c == ' ' || c == '-' }
