package zvt

import (
	"errors"
	"hash/fnv"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Framing names accepted in Options.Framing.
const (
	FramingAuto   = "auto"   // serial once DLE STX is seen at a message start, else tcp
	FramingSerial = "serial" // DLE STX ... DLE ETX CRC, ACK/NAK bytes
	FramingTCP    = "tcp"    // bare APDUs
)

// Options configure a Decoder. The zero value is usable: auto framing, no
// default currency.
type Options struct {
	// Framing is FramingSerial, FramingTCP or FramingAuto ("" = auto).
	Framing string
	// Currency is the ISO 4217 alpha code used when neither the result nor
	// the command carries BMP 49 (e.g. "EUR").
	Currency string
}

// Stats counts what a Decoder saw. Errors never carry card data.
type Stats struct {
	Framing          string // "serial", "tcp", or "" while auto has not decided
	Frames           int    // frames (serial) or APDUs (tcp) decoded
	Events           int    // events returned
	ACKs             int    // ACK bytes between frames
	NAKs             int    // NAK bytes between frames
	Retransmits      int    // repeated frames dropped (previous one not ACKed)
	CRCErrors        int    // frames dropped for a CRC mismatch
	FramingErrors    int    // bad stuffing, cut or oversized frames, unknown APDU classes
	DecodeErrors     int    // APDUs whose fields could not be decoded
	Incomplete       int    // partial frames/APDUs dropped by Flush
	NoiseBytes       int    // bytes skipped while resyncing
	TrackDataDropped int    // messages that carried track data or CVV (skipped)
	LastError        error  // the most recent error of any kind above
}

// Decoder decodes one ZVT link (both directions) into events. It implements
// drivers.Decoder. It is not safe for concurrent use.
type Decoder struct {
	opts    Options
	framing string // FramingSerial, FramingTCP, or "" while undecided
	in      [2]stream
	sess    session
	stats   Stats
}

// stream is the reassembly state of one direction.
type stream struct {
	buf     []byte
	scan    frameScan
	last    uint64 // hash of the last good frame, for retransmission dedupe
	hasLast bool
	acked   bool // the peer ACKed the last frame
}

var _ drivers.Decoder = (*Decoder)(nil)

// New returns a Decoder. An unknown Framing value is treated as auto.
func New(opts Options) *Decoder {
	d := &Decoder{opts: opts}
	switch opts.Framing {
	case FramingSerial, FramingTCP:
		d.framing = opts.Framing
	}
	return d
}

// Stats returns the counters so far.
func (d *Decoder) Stats() Stats {
	s := d.stats
	s.Framing = d.framing
	return s
}

// Feed consumes one chunk and returns the events it completed. Events carry
// the chunk's time.
func (d *Decoder) Feed(c drivers.Chunk) []drivers.Event {
	var evs []drivers.Event
	for data := c.Data; len(data) > 0; {
		n := min(len(data), feedSlice)
		evs = append(evs, d.feed(dirIndex(c.Dir), c.Time, data[:n])...)
		data = data[n:]
	}
	d.stats.Events += len(evs)
	return evs
}

// feedSlice bounds how much of a chunk is buffered at once, so a huge chunk
// of noise never grows the buffers: they hold at most one incomplete
// message (a stuffed serial frame of up to 2*MaxAPDU bytes) plus one slice.
const feedSlice = 16 << 10

// feed buffers and decodes one slice of a chunk.
func (d *Decoder) feed(dir int, t time.Time, data []byte) []drivers.Event {
	s := &d.in[dir]
	s.buf = append(s.buf, data...)
	if d.framing == "" {
		d.framing = decideFraming(s.buf)
	}
	var evs []drivers.Event
	used := 0
	switch d.framing {
	case FramingSerial:
		used, evs = d.feedSerial(dir, 0, t)
	case FramingTCP:
		used, evs = d.feedTCP(dir, t)
	}
	d.consume(s, used)
	return evs
}

// Flush drops partial frames or APDUs left after the line went idle (a
// peer that stopped mid-message, or a truncated APDU): they are counted as
// Incomplete so the next message starts clean. It returns no events: a ZVT
// result is complete when its message is.
func (d *Decoder) Flush(now time.Time) []drivers.Event {
	for i := range d.in {
		s := &d.in[i]
		if len(s.buf) == 0 {
			continue
		}
		d.stats.Incomplete++
		d.fail(incompleteError(s.buf))
		d.consume(s, len(s.buf))
		s.scan = frameScan{}
	}
	return nil
}

// incompleteError describes a partial message without showing its bytes.
func incompleteError(b []byte) error {
	if hdr, n, ok := apduHeader(b); ok && knownClass(b[0]) {
		return derr(len(b), ErrShort, "APDU %02X %02X dropped at flush: declared length %d > %d bytes present", b[0], b[1], n, len(b)-hdr)
	}
	return derr(len(b), ErrShort, "%d bytes of an incomplete message dropped at flush", len(b))
}

// consume drops the first n bytes of a stream buffer and wipes them. The
// frame scan state stays valid: splitFrame only keeps it for an incomplete
// frame at the position that becomes the new start.
func (d *Decoder) consume(s *stream, n int) {
	if n == 0 {
		return
	}
	rest := copy(s.buf, s.buf[n:])
	clear(s.buf[rest:])
	s.buf = s.buf[:rest]
}

// feedSerial splits the buffer of direction dir, from pos on, into frames.
// It returns how many bytes were used.
func (d *Decoder) feedSerial(dir, pos int, t time.Time) (int, []drivers.Event) {
	s := &d.in[dir]
	peer := &d.in[1-dir]
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
			if errors.Is(err, ErrCRC) {
				d.stats.CRCErrors++
			} else {
				d.stats.FramingErrors++
			}
			d.fail(shift(err, pos))
		case frame == nil:
			for _, b := range s.buf[pos : pos+adv] {
				switch b {
				case ACK:
					d.stats.ACKs++
					peer.acked = true
				case NAK:
					d.stats.NAKs++
					peer.acked = false
				default:
					d.stats.NoiseBytes++
				}
			}
		default:
			d.stats.Frames++
			h := frameHash(frame)
			if s.hasLast && h == s.last && !s.acked {
				d.stats.Retransmits++
			} else {
				s.last, s.hasLast, s.acked = h, true, false
				evs = append(evs, d.message(frame, true, dir, t)...)
			}
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
			for skip < len(b) && !knownClass(b[skip]) && b[skip] != DLE {
				skip++
			}
			d.stats.FramingErrors++
			d.stats.NoiseBytes += skip
			d.fail(derr(pos, ErrUnknownClass, "%d bytes skipped before a known APDU class", skip))
			pos += skip
			continue
		}
		hdr, n, ok := apduHeader(b)
		if !ok || len(b) < hdr+n {
			break
		}
		d.stats.Frames++
		evs = append(evs, d.message(b[:hdr+n], false, dir, t)...)
		pos += hdr + n
	}
	return pos, evs
}

// message parses one complete APDU and runs it through the session.
func (d *Decoder) message(raw []byte, exact bool, dir int, t time.Time) []drivers.Event {
	var a *APDU
	var err error
	if exact {
		a, err = parseExact(raw)
	} else {
		a, _, err = ParseAPDU(raw)
	}
	if err != nil {
		d.stats.DecodeErrors++
		d.fail(err)
		return nil
	}
	evs, err := d.sess.handle(a, dirOf(dir), t, d.opts.Currency)
	if err != nil {
		d.stats.DecodeErrors++
		d.fail(err)
	}
	if d.sess.trackDropped {
		d.sess.trackDropped = false
		d.stats.TrackDataDropped++
	}
	return evs
}

// fail records an error.
func (d *Decoder) fail(err error) { d.stats.LastError = err }

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
	case len(rest) == 0 || (len(rest) == 1 && rest[0] == DLE):
		return ""
	case knownClass(b[0]):
		return FramingTCP
	case indexSTX(b[:min(len(b), decideWindow)]) >= 0:
		return FramingSerial
	case len(b) > decideWindow:
		return FramingTCP
	}
	return ""
}

// frameHash identifies a frame for retransmission dedupe without keeping
// its bytes.
func frameHash(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
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
