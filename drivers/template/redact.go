package template

import (
	"github.com/tillwatch/tillwatch/drivers"
)

// Redactor removes card data from the bytes of a templated link before
// they are written to a capture. It is streaming: Redact returns whole
// frames (lines) only, holding back an incomplete one. In each frame
//
//   - the card group (text) or card tag (TLV) keeps at most its first 6
//     and last 4 digits, the others become '*' (E nibbles in BCD); digits
//     after a track separator ('=', 'D', '^') are all masked;
//   - Luhn-valid 13-19 digit numbers anywhere in text, and in TLV values of
//     format ascii, keep only their first 6 and last 4 digits;
//   - EMV card tags in a TLV body (5A PAN; 56, 57, 5F20, 9F1F, 9F20, 9F6B
//     track data and cardholder name) are masked or overwritten;
//   - a TLV body that cannot be walked is zeroed (it cannot be checked);
//   - the LRC is recomputed, so the redacted frame decodes to the same
//     events.
//
// ACK and NAK bytes pass through; other bytes outside frames, frames with
// a bad LRC and malformed frames are dropped. A Redactor is not safe for
// concurrent use.
//
// A Redactor may start in the middle of a line (a technician's tap or
// capture, an agent restarted mid-line): when a direction's first line
// starts with more than 4 digits (single spaces between them allowed),
// they are masked whole, since they may be the rest of a card number, too
// short for the Luhn check to know. A line that starts as a log line does
// ("2026-11-22 10:15:03", a date's first group is 4 digits) is untouched.
type Redactor struct {
	t       *Template
	in      [2][]byte
	begun   [2]bool // the direction's first line was written
	dropped int
}

// NewRedactor returns a Redactor for a compiled template.
func NewRedactor(t *Template) *Redactor { return &Redactor{t: t} }

// Dropped returns how many bytes were dropped so far.
func (r *Redactor) Dropped() int { return r.dropped }

// Redact consumes the next bytes seen in direction dir and returns the
// redacted bytes of every frame they completed.
func (r *Redactor) Redact(dir drivers.Direction, data []byte) []byte {
	return r.redact(dirIndex(dir), data, false)
}

// Flush returns the redacted last line of each direction when it has no
// newline yet (lines framing); a partial binary frame is dropped.
func (r *Redactor) Flush() []byte {
	var out []byte
	for dir := range r.in {
		out = append(out, r.redact(dir, nil, true)...)
		r.dropped += len(r.in[dir])
		clear(r.in[dir])
		r.in[dir] = r.in[dir][:0]
	}
	return out
}

func (r *Redactor) redact(dir int, data []byte, atEOF bool) []byte {
	buf := append(r.in[dir], data...)
	var out []byte
	pos := 0
	for pos < len(buf) {
		adv, body, off, err := r.t.split(buf[pos:], atEOF && r.t.framing.Type == FramingLines)
		if adv == 0 && err == nil {
			break
		}
		raw := buf[pos : pos+adv]
		switch {
		case err != nil:
			r.dropped += adv
		case body == nil:
			for _, c := range raw {
				if r.t.framing.Type == FramingLines || c == ACK || c == NAK {
					out = append(out, c)
				} else {
					r.dropped++
				}
			}
		default:
			start := len(out)
			out = append(out, raw...)
			if r.t.framing.Type == FramingLines && !r.begun[dir] {
				maskLeadingRun(out[start:])
			}
			r.begun[dir] = true
			r.t.redactBody(dir, out[start+off:start+off+len(body)])
			if r.t.framing.Type != FramingLines && r.t.framing.LRC != LRCNone {
				f := out[start:]
				f[len(f)-1] = r.t.lrc(f[:len(f)-1])
			}
		}
		pos += adv
	}
	rest := copy(buf, buf[pos:])
	clear(buf[rest:])
	r.in[dir] = buf[:rest]
	return out
}

// redactBody masks card data in a frame body, in place.
func (t *Template) redactBody(dir int, body []byte) {
	if t.tlv == nil {
		if from, to, ok := t.cardSpan(dir, body); ok {
			maskSpan(body[from:to])
		}
		maskTextPANs(body)
		return
	}
	err := walkTLV(body, 0, func(tag uint32, v []byte, _ int) {
		ts, mapped := t.tlv[tag]
		switch {
		case mapped && ts.Field == "card" && ts.Format == "bcd", !mapped && tag == 0x5A:
			drivers.MaskBCDPAN(v)
		case mapped && ts.Field == "card":
			maskSpan(v)
		case !mapped && (tag == 0x56 || tag == 0x57 || tag == 0x5F20 || tag == 0x9F1F || tag == 0x9F20 || tag == 0x9F6B):
			for i := range v {
				v[i] = 0xEE
			}
		case mapped && ts.Format == "ascii":
			maskTextPANs(v)
		}
	})
	if err != nil {
		clear(body)
	}
}

// cardSpan finds the card field of the record a text frame matches (the
// record match would pick): its byte range in body. Only that span is
// masked as the card: masking every occurrence of the card's value also
// hit an amount or a reference with the same digits, which changed what
// the frame decodes to, and a second pass then read another record
// (FuzzRedactor). ok is false when the frame has no card field, or its
// place in the bytes cannot be told (an encoding that does not round-trip
// the text before it).
func (t *Template) cardSpan(dir int, body []byte) (from, to int, ok bool) {
	text := t.text(body)
	for i := range t.records {
		r := &t.records[i]
		if r.from >= 0 && r.from != dir {
			continue
		}
		loc := r.re.FindStringSubmatchIndex(text)
		if loc == nil {
			continue
		}
		ci := r.re.SubexpIndex("card")
		if ci < 0 || loc[2*ci] < 0 || loc[2*ci] == loc[2*ci+1] {
			return 0, 0, false
		}
		ts, te := loc[2*ci], loc[2*ci+1]
		if t.enc == nil {
			return ts, te, true
		}
		pre, err := t.enc.NewEncoder().String(text[:ts])
		if err != nil {
			return 0, 0, false
		}
		from, to = len(pre), len(pre)+te-ts
		if to > len(body) || string(body[from:to]) != text[ts:te] {
			return 0, 0, false
		}
		return from, to, true
	}
	return 0, 0, false
}

// maskSpan masks an ASCII card number in place like drivers.MaskPAN (first
// 6 and last 4 digits kept when more than 10, else the last 4); everything
// after a track separator is masked.
func maskSpan(b []byte) {
	end := len(b)
	for i, c := range b {
		if c == '=' || c == '^' || (c == 'D' || c == 'd') && i > 0 {
			end = i
			break
		}
	}
	var pos []int
	for i, c := range b[:end] {
		if isDigit(c) || c == '*' {
			pos = append(pos, i)
		}
	}
	head := 6
	if len(pos) <= 10 {
		head = 0
	}
	for k, p := range pos {
		if k >= head && k < len(pos)-4 {
			b[p] = '*'
		}
	}
	for i := end; i < len(b); i++ {
		if isDigit(b[i]) || b[i] >= 'A' && b[i] <= 'Z' || b[i] >= 'a' && b[i] <= 'z' {
			b[i] = '*'
		}
	}
}

// maskLeadingRun masks the digits of line's leading run of digits and
// spaces when it holds more than 4 digits (see Redactor).
func maskLeadingRun(line []byte) {
	n, end := 0, 0
	for end < len(line) && (line[end] >= '0' && line[end] <= '9' || line[end] == ' ') {
		if line[end] != ' ' {
			n++
		}
		end++
	}
	if n <= 4 {
		return
	}
	for i := range line[:end] {
		if line[i] != ' ' {
			line[i] = drivers.MaskChar
		}
	}
}
