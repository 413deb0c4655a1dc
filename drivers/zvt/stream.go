package zvt

import (
	"errors"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// feedSerial splits the buffer of direction dir, from pos on, into frames.
// It returns how many bytes were used.
func (d *Decoder) feedSerial(dir, pos int, t time.Time) (int, []drivers.Event) {
	s := &d.in[dir]
	var evs []drivers.Event
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
			what := "framing"
			if errors.Is(err, ErrCRC) {
				d.stats.CRCErrors++
				what = "crc"
			} else {
				d.stats.FramingErrors++
			}
			d.fail(shift(err, pos))
			d.damaged(t, dir, what)
		case frame == nil:
			noise := d.link.Counts().NoiseBytes
			d.link.Between(dir, s.buf[pos:pos+adv], t)
			if d.link.Counts().NoiseBytes > noise {
				d.damaged(t, dir, "noise")
			}
		default:
			if d.link.Frame(dir, frame, t) {
				evs = append(evs, d.message(frame, true, dir, s.off+pos, t)...)
			}
			clear(frame) // may hold card data; nothing refers to it any more
		}
		pos += adv
	}
	return pos, evs
}

// feedTCP splits the buffer of direction dir into bare APDUs.
func (d *Decoder) feedTCP(dir int, t time.Time) (int, []drivers.Event) {
	s := &d.in[dir]
	var evs []drivers.Event
	pos := 0
	for pos < len(s.buf) {
		b := s.buf[pos:]
		if d.opts.Framing != FramingTCP && b[0] == DLE {
			if len(b) < 2 {
				break // auto: a DLE STX may be starting
			}
			if b[1] == STX {
				d.framing = FramingSerial // auto: it was a serial link after all
				used, more := d.feedSerial(dir, pos, t)
				return used, append(evs, more...)
			}
		}
		if !knownClass(b[0]) {
			skip := 1
			for skip < len(b) && !knownClass(b[skip]) && !maybeSTX(b[skip:]) {
				skip++
			}
			d.stats.FramingErrors++
			d.stats.NoiseBytes += skip
			d.fail(derr(pos, ErrUnknownClass, "%d bytes skipped before a known APDU class", skip))
			d.damaged(t, dir, "noise")
			pos += skip
			continue
		}
		hdr, n, ok := apduHeader(b)
		if !ok || len(b) < hdr+n {
			break
		}
		d.stats.Frames++
		evs = append(evs, d.message(b[:hdr+n], false, dir, s.off+pos, t)...)
		pos += hdr + n
	}
	return pos, evs
}

// maybeSTX reports whether b starts with DLE STX or is a lone DLE that may
// become one.
func maybeSTX(b []byte) bool {
	return b[0] == DLE && (len(b) == 1 || b[1] == STX)
}

// decideWindow is how many leading bytes auto framing looks at.
const decideWindow = 4096

// decideFraming looks at the first bytes of a link in auto mode: DLE STX
// (after any ACK/NAK bytes) means serial, a known APDU class means tcp.
// It returns "" while it cannot tell yet.
func decideFraming(b []byte) string {
	i := 0
	for i < len(b) && (b[i] == ACK || b[i] == NAK) {
		i++
	}
	rest := b[i:]
	switch {
	case len(rest) >= 2 && rest[0] == DLE && rest[1] == STX:
		return FramingSerial
	case indexSTX(b[:min(len(b), decideWindow)]) >= 0 && !knownClass(b[0]):
		return FramingSerial
	case len(b) > decideWindow:
		return FramingTCP // undecidable: bare APDUs are the default
	case len(rest) == 0 || (len(rest) == 1 && rest[0] == DLE):
		return ""
	case knownClass(b[0]):
		return FramingTCP
	}
	return ""
}

// dirIndex maps a direction to a stream index.
func dirIndex(d drivers.Direction) int {
	if d == drivers.FromHost {
		return 0
	}
	return 1
}

// dirOf is the inverse of dirIndex.
func dirOf(i int) drivers.Direction {
	if i == 0 {
		return drivers.FromHost
	}
	return drivers.FromDevice
}
