package zvt

import (
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/slip"
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
	// Charset is the character set of receipt text (06 D1 / 06 D3):
	// CharsetCP437, CharsetLatin1 or CharsetAuto ("" = auto).
	Charset string
	// Slip reads the terminal's slips (06 D3 / 06 D1) into fields: a
	// recognised slip receipt gets the profile's name and amount, and a
	// result the link left incomplete (type unknown because the command
	// was not seen, or no amount) is completed from its slip before it is
	// returned. nil: slips become plain receipts.
	Slip *slip.Profile
	// Messages keeps every APDU as a Message (TakeMessages), for decode
	// and monitor views; the agent leaves it off.
	Messages bool
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
	link    drivers.Exchange // serial framing: ACK/NAK, retransmissions
	sess    session
	stats   Stats
	msgs    []Message              // Options.Messages
	dmg     drivers.DamageReporter // frames that failed their check, cut short, noise
	lastT   time.Time              // time of the last chunk
}

var _ drivers.DamageSource = (*Decoder)(nil)

// Damaged implements drivers.DamageSource: frames that failed their CRC
// or framing, were cut short, or noise skipped between frames.
func (d *Decoder) Damaged() int64 { return d.dmg.Total() }

// TakeDamage implements drivers.DamageSource.
func (d *Decoder) TakeDamage() []drivers.Event { return d.dmg.Take() }

// damaged notes damage seen at t in direction dir.
func (d *Decoder) damaged(t time.Time, dir int, what string) { d.dmg.Note(t, dirOf(dir), what) }

// stream is the reassembly state of one direction.
type stream struct {
	buf  []byte
	scan frameScan
	off  int // input offset of buf[0]
}

var _ drivers.Decoder = (*Decoder)(nil)

// Validate reports a bad option (for config loaders; New itself treats an
// unknown framing as auto).
func (o Options) Validate() error {
	switch o.Framing {
	case "", FramingAuto, FramingSerial, FramingTCP:
	default:
		return fmt.Errorf("zvt: invalid framing %q (want %q, %q or %q)", o.Framing, FramingAuto, FramingSerial, FramingTCP)
	}
	if err := validCharset(o.Charset); err != nil {
		return err
	}
	if o.Currency != "" && !isAlpha3(o.Currency) {
		return fmt.Errorf("zvt: invalid currency %q (want an ISO 4217 alpha code such as \"EUR\")", o.Currency)
	}
	return nil
}

// isAlpha3 reports whether s is three upper-case ASCII letters.
func isAlpha3(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// New returns a Decoder. An unknown Framing value is treated as auto.
func New(opts Options) *Decoder {
	d := &Decoder{opts: opts}
	d.sess.charset, d.sess.prof = opts.Charset, opts.Slip
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
	c := d.link.Counts()
	s.Frames += c.Frames
	s.ACKs, s.NAKs, s.Retransmits = c.ACKs, c.NAKs, c.Retransmits
	s.NoiseBytes += c.NoiseBytes
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
	d.lastT = t
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
// Incomplete so the next message starts clean. It returns what the idle
// line completes: a slip sent line by line (06 D1), and a result held for
// its slip (see Options.Slip) whose completion never came.
func (d *Decoder) Flush(now time.Time) []drivers.Event {
	evs := append(d.sess.endLines(), d.sess.release()...)
	for i := range d.in {
		s := &d.in[i]
		if len(s.buf) == 0 {
			continue
		}
		d.stats.Incomplete++
		d.fail(incompleteError(s.buf))
		d.consume(s, len(s.buf))
		s.scan = frameScan{}
		d.damaged(d.lastT, i, "cut_short")
	}
	d.dmg.Flush(now)
	d.stats.Events += len(evs)
	return evs
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
	s.off += n
}

// TakeMessages returns the messages decoded since the last call
// (Options.Messages) and forgets them.
func (d *Decoder) TakeMessages() []Message {
	m := d.msgs
	d.msgs = nil
	return m
}

// message parses one complete APDU (starting at input offset off) and
// runs it through the session.
func (d *Decoder) message(raw []byte, exact bool, dir, off int, t time.Time) []drivers.Event {
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
		if d.opts.Messages && len(raw) >= 2 {
			d.msgs = append(d.msgs, Message{Offset: off, Dir: dirOf(dir), Command: uint16(raw[0])<<8 | uint16(raw[1]), Name: commandNames[uint16(raw[0])<<8|uint16(raw[1])], Err: err})
		}
		if !exact { // bare APDUs have no check: a broken one is damage
			d.damaged(t, dir, "decode")
		}
		return nil
	}
	var m Message
	if d.opts.Messages {
		m = Message{Offset: off, Dir: dirOf(dir), Command: a.Command(), Name: commandNames[a.Command()], Len: len(a.Data)}
		m.Text, m.Err = describeAPDU(a, d.opts.Currency)
	}
	evs, err := d.sess.handle(a, dirOf(dir), t, d.opts.Currency)
	if err != nil {
		d.stats.DecodeErrors++
		d.fail(err)
	}
	if d.opts.Messages {
		m.Events = evs
		d.msgs = append(d.msgs, m)
	}
	if d.sess.trackDropped {
		d.sess.trackDropped = false
		d.stats.TrackDataDropped++
	}
	return evs
}

// fail records an error.
func (d *Decoder) fail(err error) { d.stats.LastError = err }
