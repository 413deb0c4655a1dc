package zvt

import (
	"errors"

	"github.com/tillwatch/tillwatch/drivers"
)

// Redactor removes card data from the bytes of a ZVT link before they are
// written to a capture. It is streaming: Redact returns only whole frames
// (serial) or whole APDUs (tcp), holding back an incomplete one until the
// rest arrives, so no partial card number is ever written. In each message
//
//   - BMP 22 (PAN) keeps at most its first 6 and last 4 digits, the others
//     become E nibbles (ZVT's masked digit);
//   - BMP 23, 24, 2D (track data) and 3A (CVV) are overwritten with E
//     nibbles, same length;
//   - EMV tags inside BMP 06 that hold a PAN (5A) are masked like BMP 22,
//     those with track data or the cardholder name (56, 57, 5F20, 9F1F,
//     9F20, 9F6B) are overwritten;
//   - after a BMP that cannot be parsed the rest of the message is zeroed;
//   - in receipt text (06 D1, 06 D3) Luhn-valid 13-19 digit numbers keep
//     only their first 6 and last 4 digits.
//
// Serial frames are re-stuffed with a new CRC. ACK and NAK bytes pass
// through; other bytes outside frames, frames with a bad CRC and
// incomplete messages left at the end are dropped (they cannot be checked
// for card data). The redacted stream decodes to the same events.
// A Redactor is not safe for concurrent use.
type Redactor struct {
	framing string
	in      [2]redactStream
	dropped int
}

// redactStream is the reassembly state of one direction.
type redactStream struct {
	buf  []byte
	scan frameScan
}

// NewRedactor returns a Redactor with automatic framing (serial when the
// link shows DLE STX, bare APDUs otherwise).
func NewRedactor() *Redactor { return &Redactor{} }

// Dropped returns how many bytes were dropped so far (noise, bad frames).
func (r *Redactor) Dropped() int { return r.dropped }

// Redact consumes the next bytes seen in direction dir and returns the
// redacted bytes of every message they completed.
func (r *Redactor) Redact(dir drivers.Direction, data []byte) []byte {
	s := &r.in[dirIndex(dir)]
	s.buf = append(s.buf, data...)
	if r.framing == "" {
		r.framing = decideFraming(s.buf)
	}
	var out []byte
	pos := 0
	switch r.framing {
	case FramingSerial:
		pos, out = r.serial(s, 0, out)
	case FramingTCP:
		pos, out = r.tcp(s, out)
	}
	rest := copy(s.buf, s.buf[pos:])
	clear(s.buf[rest:])
	s.buf = s.buf[:rest]
	return out
}

// serial redacts the frames in s.buf from pos on.
func (r *Redactor) serial(s *redactStream, pos int, out []byte) (int, []byte) {
	for start := pos; pos < len(s.buf); {
		if pos > start {
			s.scan = frameScan{}
		}
		adv, frame, err := splitFrame(s.buf[pos:], false, &s.scan)
		if adv == 0 && err == nil {
			break
		}
		switch {
		case err != nil:
			r.dropped += adv
		case frame == nil:
			for _, b := range s.buf[pos : pos+adv] {
				if b == ACK || b == NAK {
					out = append(out, b)
				} else {
					r.dropped++
				}
			}
		default:
			out = append(out, Frame(redactAPDU(frame))...)
		}
		pos += adv
	}
	return pos, out
}

// tcp redacts the bare APDUs in s.buf.
func (r *Redactor) tcp(s *redactStream, out []byte) (int, []byte) {
	pos := 0
	for pos < len(s.buf) {
		b := s.buf[pos:]
		if b[0] == DLE {
			if len(b) < 2 {
				break
			}
			if b[1] == STX {
				r.framing = FramingSerial
				return r.serial(s, pos, out)
			}
		}
		if !knownClass(b[0]) {
			r.dropped++
			pos++
			continue
		}
		hdr, n, ok := apduHeader(b)
		if !ok || len(b) < hdr+n {
			break
		}
		out = append(out, redactAPDU(b[:hdr+n])...)
		pos += hdr + n
	}
	return pos, out
}

// bmpStart returns where the BMP list of a command's data starts, or -1 for
// commands whose data is not a BMP list (they carry no card data fields).
func bmpStart(cmd uint16) int {
	switch cmd {
	case CmdStatusInfo, CmdAuthorisation, CmdPreAuth, CmdPartialRev, CmdBookTotal, CmdPreAuthRev:
		return 0
	case CmdAbort, CmdReadCard:
		return 1 // result code / time-out byte first
	case CmdReversal, CmdRefund, CmdEndOfDay:
		return 3 // password first
	}
	return -1
}

// redactAPDU returns a redacted copy of one APDU. It also copes with a
// frame whose APDU is malformed: bytes beyond the declared length are
// zeroed, and a BMP list cut short is redacted as far as it goes.
func redactAPDU(raw []byte) []byte {
	out := append([]byte(nil), raw...)
	hdr, n, ok := apduHeader(out)
	if !ok {
		clear(out[min(2, len(out)):])
		return out
	}
	data := out[hdr:]
	if len(data) > n {
		clear(data[n:])
		data = data[:n]
	}
	cmd := uint16(out[0])<<8 | uint16(out[1])
	redactText(cmd, data)
	start := bmpStart(cmd)
	if start < 0 || start > len(data) {
		return out
	}
	data = data[start:]
	err := eachBMP(data, func(tag byte, v []byte, _ int) error {
		switch {
		case tag == bmpPAN:
			drivers.MaskBCDPAN(v)
		case tag == bmpText || tag == bmpCardName:
			maskTextPANs(v) // free text a terminal may print a card number in
		case isTrack(tag):
			fill(v, 0xEE)
		case tag == bmpTLV:
			if err := walkTLV(v, redactTLV); err != nil {
				fill(v, 0xFF) // cannot tell what is inside; FF keeps it malformed
			}
		}
		return nil
	})
	var de *DecodeError
	if errors.As(err, &de) && de.Offset+1 < len(data) {
		clear(data[de.Offset+1:])
	}
	return out
}

// redactTLV masks the EMV objects that carry card data.
func redactTLV(_, tag uint32, v []byte) error {
	switch tag {
	case 0x5A:
		drivers.MaskBCDPAN(v)
	case 0x56, 0x57, 0x5F20, 0x9F1F, 0x9F20, 0x9F6B:
		fill(v, 0xEE)
	}
	return nil
}

// fill sets every byte of v to c.
func fill(v []byte, c byte) {
	for i := range v {
		v[i] = c
	}
}
