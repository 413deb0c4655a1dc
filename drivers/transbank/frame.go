package transbank

import (
	"bytes"

	"github.com/tillwatch/tillwatch/drivers"
)

// Control bytes of the link.
const (
	STX = 0x02
	ETX = 0x03
	ACK = drivers.ACK
	NAK = drivers.NAK
)

// MaxFrame bounds a frame (STX to LRC). The longest real message, a 0271
// with two 40-column vouchers, is about 2 KiB.
const MaxFrame = 8 << 10

// LRC returns the check byte of a payload: the XOR of the payload bytes and
// ETX (STX excluded), as the POS Integrado documentation specifies.
func LRC(payload []byte) byte {
	var x byte = ETX
	for _, b := range payload {
		x ^= b
	}
	return x
}

// Frame returns STX payload ETX LRC.
func Frame(payload []byte) []byte {
	out := make([]byte, 0, len(payload)+3)
	out = append(out, STX)
	out = append(out, payload...)
	return append(out, ETX, LRC(payload))
}

// FrameWithSTX returns a frame whose LRC also covers STX, the variant seen
// from the unattended model (and the SDK's test helper for it).
func FrameWithSTX(payload []byte) []byte {
	f := Frame(payload)
	f[len(f)-1] ^= STX
	return f
}

// SplitFrame is a bufio.SplitFunc-like framing step. At the start of data
// it finds either bytes outside a frame (advance > 0, payload nil, err nil:
// ACK, NAK or noise up to the next STX) or one frame: its payload (a
// sub-slice of data) or an error for a frame that is broken (bad LRC, cut
// by a new STX, too long, or cut off at EOF), with advance past what must
// be dropped. advance 0 with nil payload and error means more data is
// needed.
func SplitFrame(data []byte, atEOF bool) (advance int, payload []byte, err error) {
	advance, payload, _, err = splitFrame(data, atEOF)
	return advance, payload, err
}

// splitFrame is SplitFrame that also says whether the LRC covered STX.
func splitFrame(data []byte, atEOF bool) (advance int, payload []byte, withSTX bool, err error) {
	if len(data) == 0 {
		return 0, nil, false, nil
	}
	if data[0] != STX {
		n := bytes.IndexByte(data, STX)
		if n < 0 {
			n = len(data)
		}
		return n, nil, false, nil
	}
	limit := min(len(data), MaxFrame)
	for i := 1; i < limit; i++ {
		switch data[i] {
		case STX:
			return i, nil, false, derr(0, ErrFraming, "frame of %d bytes cut by STX", i)
		case ETX:
			if i+1 >= len(data) {
				if atEOF {
					return len(data), nil, false, derr(0, ErrShort, "frame of %d bytes has no LRC", len(data))
				}
				return 0, nil, false, nil
			}
			p := data[1:i]
			lrc := LRC(p)
			switch data[i+1] {
			case lrc:
				return i + 2, p, false, nil
			case lrc ^ STX:
				return i + 2, p, true, nil
			}
			return i + 2, nil, false, derr(i+1, ErrLRC, "frame of %d bytes", i+2)
		}
	}
	if len(data) >= MaxFrame {
		return skipTo(data), nil, false, derr(0, ErrTooLong, "no ETX within %d bytes", MaxFrame)
	}
	if atEOF {
		return len(data), nil, false, derr(0, ErrShort, "frame of %d bytes has no ETX", len(data))
	}
	return 0, nil, false, nil
}

// skipTo returns the offset of the next STX after the first byte, or
// len(data).
func skipTo(data []byte) int {
	if n := bytes.IndexByte(data[1:], STX); n >= 0 {
		return n + 1
	}
	return len(data)
}
