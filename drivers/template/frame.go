package template

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tillwatch/tillwatch/drivers"
)

// Control bytes.
const (
	STX = 0x02
	ETX = 0x03
	ACK = drivers.ACK
	NAK = drivers.NAK
)

// Sentinel errors of the framing step. No error of this package carries
// frame contents.
var (
	// ErrLRC: a frame's LRC does not match.
	ErrLRC = errors.New("LRC mismatch")
	// ErrFraming: a frame cut by STX, a bad length field, a missing ETX.
	ErrFraming = errors.New("bad framing")
	// ErrTooLong: a frame or line longer than framing.max.
	ErrTooLong = errors.New("frame too long")
)

// frameErr builds a framing error.
func frameErr(sentinel error, format string, args ...any) error {
	return fmt.Errorf("template: %s: %w", fmt.Sprintf(format, args...), sentinel)
}

// split finds the next frame at the start of data. It returns how many
// bytes to consume and, for a frame, its body (the text line, the payload
// between STX and ETX, or the length-prefixed body) at data[off:off+len].
// advance > 0 with a nil body and error are bytes outside frames (ACK,
// NAK, noise, empty lines). advance 0 means more data is needed.
func (t *Template) split(data []byte, atEOF bool) (advance int, body []byte, off int, err error) {
	if len(data) == 0 {
		return 0, nil, 0, nil
	}
	switch t.framing.Type {
	case FramingLines:
		return t.splitLine(data, atEOF)
	case FramingSTXETX:
		return t.splitSTX(data, atEOF)
	}
	return t.splitLength(data, atEOF)
}

func (t *Template) splitLine(data []byte, atEOF bool) (int, []byte, int, error) {
	max := t.framing.Max
	i := bytes.IndexByte(data[:min(len(data), max+1)], '\n')
	if i < 0 {
		if len(data) > max {
			return len(data), nil, 0, frameErr(ErrTooLong, "line over %d bytes", max)
		}
		if !atEOF {
			return 0, nil, 0, nil
		}
		i = len(data)
	}
	adv := min(i+1, len(data))
	line := bytes.TrimRight(data[:i], "\r")
	if len(bytes.TrimSpace(line)) == 0 {
		return adv, nil, 0, nil
	}
	return adv, line, 0, nil
}

// toSTX returns the bytes before the next STX (at least one).
func toSTX(data []byte) int {
	if n := bytes.IndexByte(data[1:], STX); n >= 0 {
		return n + 1
	}
	return len(data)
}

func (t *Template) splitSTX(data []byte, atEOF bool) (int, []byte, int, error) {
	if data[0] != STX {
		if n := bytes.IndexByte(data, STX); n >= 0 {
			return n, nil, 0, nil
		}
		return len(data), nil, 0, nil
	}
	lrc := 0
	if t.framing.LRC != LRCNone {
		lrc = 1
	}
	limit := min(len(data), t.framing.Max)
	for i := 1; i < limit; i++ {
		switch data[i] {
		case STX:
			return i, nil, 0, frameErr(ErrFraming, "frame of %d bytes cut by STX", i)
		case ETX:
			end := i + 1 + lrc
			if end > len(data) {
				if atEOF {
					return len(data), nil, 0, frameErr(ErrFraming, "frame of %d bytes has no LRC", len(data))
				}
				return 0, nil, 0, nil
			}
			if !t.lrcOK(data[:end]) {
				return end, nil, 0, frameErr(ErrLRC, "frame of %d bytes", end)
			}
			return end, data[1:i], 1, nil
		}
	}
	if len(data) >= t.framing.Max {
		return toSTX(data), nil, 0, frameErr(ErrTooLong, "no ETX within %d bytes", t.framing.Max)
	}
	if atEOF {
		return len(data), nil, 0, frameErr(ErrFraming, "frame of %d bytes has no ETX", len(data))
	}
	return 0, nil, 0, nil
}

func (t *Template) splitLength(data []byte, atEOF bool) (int, []byte, int, error) {
	f := &t.framing
	pre := 0
	if *f.STX {
		if data[0] != STX {
			if n := bytes.IndexByte(data, STX); n >= 0 {
				return n, nil, 0, nil
			}
			return len(data), nil, 0, nil
		}
		pre = 1
	}
	ll := 2
	if f.Length == "ascii4" {
		ll = 4
	}
	if len(data) < pre+ll {
		if atEOF {
			return len(data), nil, 0, frameErr(ErrFraming, "frame of %d bytes cut in its length", len(data))
		}
		return 0, nil, 0, nil
	}
	n, ok := decodeLength(f.Length, data[pre:pre+ll])
	bad := 1
	if !*f.STX {
		bad = len(data) // no way to resync without STX: drop what is buffered
	}
	if !ok {
		return bad, nil, 0, frameErr(ErrFraming, "bad %s length field", f.Length)
	}
	end := pre + ll + n
	if *f.ETX {
		end++
	}
	if f.LRC != LRCNone {
		end++
	}
	if end > f.Max {
		return bad, nil, 0, frameErr(ErrTooLong, "declared length %d over %d bytes", n, f.Max)
	}
	if end > len(data) {
		if atEOF {
			return len(data), nil, 0, frameErr(ErrFraming, "frame of %d bytes cut at %d", end, len(data))
		}
		return 0, nil, 0, nil
	}
	if *f.ETX && data[pre+ll+n] != ETX {
		return bad, nil, 0, frameErr(ErrFraming, "no ETX after a body of %d bytes", n)
	}
	if !t.lrcOK(data[:end]) {
		return end, nil, 0, frameErr(ErrLRC, "frame of %d bytes", end)
	}
	return end, data[pre+ll : pre+ll+n], pre + ll, nil
}

// decodeLength reads a length field.
func decodeLength(kind string, b []byte) (int, bool) {
	n := 0
	switch kind {
	case "bin2":
		return int(b[0])<<8 | int(b[1]), true
	case "bcd2":
		for _, c := range b {
			hi, lo := int(c>>4), int(c&0x0F)
			if hi > 9 || lo > 9 {
				return 0, false
			}
			n = n*100 + hi*10 + lo
		}
		return n, true
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// EncodeLength renders a length field of the template's kind (for tests,
// tools and the simulator).
func (t *Template) EncodeLength(n int) []byte {
	switch t.framing.Length {
	case "bin2":
		return []byte{byte(n >> 8), byte(n)}
	case "bcd2":
		return []byte{byte(n/1000%10<<4 | n/100%10), byte(n/10%10<<4 | n%10)}
	}
	return fmt.Appendf(nil, "%04d", n%10000)
}

// lrcOK checks the last byte of a whole frame (when the template has an LRC).
func (t *Template) lrcOK(frame []byte) bool {
	if t.framing.LRC == LRCNone {
		return true
	}
	return frame[len(frame)-1] == t.lrc(frame[:len(frame)-1])
}

// lrc computes the LRC of a frame without its LRC byte: XOR of everything
// after STX (xor) or including it (xor_stx).
func (t *Template) lrc(frame []byte) byte {
	var x byte
	start := 0
	if len(frame) > 0 && frame[0] == STX && t.framing.LRC == LRCXor && (t.framing.Type == FramingSTXETX || *t.framing.STX) {
		start = 1
	}
	for _, b := range frame[start:] {
		x ^= b
	}
	return x
}

// Frame wraps a body in the template's framing (a line gets "\r\n"), with
// a correct LRC. Tools and tests use it to build sample data.
func (t *Template) Frame(body []byte) []byte {
	var out []byte
	switch t.framing.Type {
	case FramingLines:
		return append(append(out, body...), '\r', '\n')
	case FramingSTXETX:
		out = append(append([]byte{STX}, body...), ETX)
	default:
		if *t.framing.STX {
			out = append(out, STX)
		}
		out = append(append(out, t.EncodeLength(len(body))...), body...)
		if *t.framing.ETX {
			out = append(out, ETX)
		}
	}
	if t.framing.LRC != LRCNone {
		out = append(out, t.lrc(out))
	}
	return out
}
