package zvt

// MaxAPDU is the size of the largest APDU: CLASS INSTR FF LL LL and 65535
// data bytes. Larger frames are an error and the reader resyncs.
const MaxAPDU = 5 + 0xFFFF

// frameScan remembers how far an incomplete frame at the start of a buffer
// has been scanned, so feeding a large frame in small chunks stays linear.
type frameScan struct {
	i int // next stuffed byte to look at (0 = nothing scanned yet)
	n int // unstuffed bytes counted before i
}

// SplitFrame finds the next serial frame in data, in the manner of a
// bufio.SplitFunc. It is pure: the same input gives the same answer.
//
//   - data starts with DLE STX and holds a whole frame: advance is the frame's
//     wire length and frame the unstuffed APDU (a new slice), CRC checked.
//   - bytes before the next DLE STX (ACK/NAK bytes, noise): advance skips them
//     and frame is nil; the caller may look at data[:advance].
//   - an incomplete frame: 0, nil, nil (feed more), or ErrShort at EOF.
//   - a broken frame (CRC mismatch, bad stuffing, cut by a new DLE STX, longer
//     than MaxAPDU): advance says how many bytes to drop to resync and err is
//     a *DecodeError wrapping ErrCRC, ErrFraming or ErrTooLong.
func SplitFrame(data []byte, atEOF bool) (advance int, frame []byte, err error) {
	var st frameScan
	return splitFrame(data, atEOF, &st)
}

// splitFrame is SplitFrame with a resumable scan state: st describes the
// incomplete frame at the start of data from the previous call (zero for a
// fresh start) and is reset whenever advance > 0.
func splitFrame(data []byte, atEOF bool, st *frameScan) (advance int, frame []byte, err error) {
	advance, frame, err = splitFrameScan(data, atEOF, st)
	if advance > 0 {
		*st = frameScan{}
	}
	return advance, frame, err
}

// splitFrameScan does the work of splitFrame.
func splitFrameScan(data []byte, atEOF bool, st *frameScan) (advance int, frame []byte, err error) {
	if len(data) == 0 {
		return 0, nil, nil
	}
	if start := indexSTX(data); start != 0 {
		if start > 0 {
			return start, nil, nil
		}
		n := len(data)
		if data[n-1] == DLE && !atEOF {
			n-- // may be the first half of a DLE STX
		}
		return n, nil, nil
	}
	i, n := st.i, st.n
	if i < 2 {
		i, n = 2, 0
	}
	for i < len(data) {
		if n > MaxAPDU {
			return 2, nil, derr(0, ErrTooLong, "frame longer than %d bytes", MaxAPDU)
		}
		if data[i] != DLE {
			i++
			n++
			continue
		}
		if i+1 >= len(data) {
			break
		}
		switch data[i+1] {
		case DLE:
			i += 2
			n++
		case ETX:
			if i+4 > len(data) {
				st.i, st.n = i, n
				return needMore(data, atEOF)
			}
			apdu := unstuff(data[2:i], n)
			got := uint16(data[i+2]) | uint16(data[i+3])<<8
			if want := CRC(apdu); got != want {
				return i + 4, nil, derr(0, ErrCRC, "frame of %d bytes: CRC %04X, computed %04X", n, got, want)
			}
			return i + 4, apdu, nil
		case STX:
			return i, nil, derr(i, ErrFraming, "frame cut by a new DLE STX")
		default:
			return i + 2, nil, derr(i, ErrFraming, "DLE followed by %02X", data[i+1])
		}
	}
	st.i, st.n = i, n
	return needMore(data, atEOF)
}

// needMore is the answer for an incomplete frame.
func needMore(data []byte, atEOF bool) (int, []byte, error) {
	if atEOF {
		return len(data), nil, derr(len(data), ErrShort, "frame incomplete at end of input")
	}
	return 0, nil, nil
}

// indexSTX returns the index of the first DLE STX in data or -1. A DLE that
// is the second half of a stuffed DLE DLE pair outside a frame cannot occur,
// so a plain search is enough.
func indexSTX(data []byte) int {
	for i := 0; i+1 < len(data); i++ {
		if data[i] == DLE && data[i+1] == STX {
			return i
		}
	}
	return -1
}

// unstuff removes the doubled DLEs of a frame body; n is the unstuffed size.
func unstuff(body []byte, n int) []byte {
	out := make([]byte, 0, n)
	for i := 0; i < len(body); i++ {
		out = append(out, body[i])
		if body[i] == DLE {
			i++ // skip the stuffed twin
		}
	}
	return out
}
