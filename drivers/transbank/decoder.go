package transbank

import (
	"errors"
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Options configure a Decoder. The zero value is usable: automatic layout
// choice, amounts in CLP.
type Options struct {
	// Model is ModelIntegrado, ModelAutoservicio or ModelAuto ("" = auto):
	// which 0210 field layout to expect.
	Model string
	// Currency is the ISO 4217 alpha code of the amounts ("" = "CLP").
	Currency string
}

// Validate reports a bad option (for config loaders).
func (o Options) Validate() error {
	switch o.Model {
	case "", ModelAuto, ModelIntegrado, ModelAutoservicio:
	default:
		return fmt.Errorf("transbank: invalid model %q (want %q, %q or %q)", o.Model, ModelAuto, ModelIntegrado, ModelAutoservicio)
	}
	return nil
}

// Stats counts what a Decoder saw. Errors never carry card data.
type Stats struct {
	Frames        int   // good frames
	Events        int   // events returned
	ACKs          int   // ACK bytes between frames
	NAKs          int   // NAK bytes between frames
	Retransmits   int   // repeated frames dropped (previous one not ACKed)
	LRCErrors     int   // frames dropped for a bad LRC
	LRCWithSTX    int   // frames whose LRC also covers STX (unattended model)
	FramingErrors int   // frames cut by STX, too long
	DecodeErrors  int   // payloads that could not be parsed
	Intermediate  int   // 0900 intermediate status messages
	Incomplete    int   // partial frames dropped by Flush
	NoiseBytes    int   // bytes outside frames other than ACK and NAK
	LastError     error // the most recent error of any kind above
}

// Decoder decodes one Transbank link (both directions) into events. It
// implements drivers.Decoder and is not safe for concurrent use.
type Decoder struct {
	opts  Options
	in    [2]stream
	link  drivers.Exchange // ACK/NAK, retransmissions
	sess  session
	stats Stats
	dmg   drivers.DamageReporter // frames that failed their LRC or framing, cut short, noise
	lastT time.Time              // time of the last chunk
}

var _ drivers.DamageSource = (*Decoder)(nil)

// Damaged implements drivers.DamageSource: frames that failed their LRC or
// framing, were cut short, or noise skipped between frames.
func (d *Decoder) Damaged() int64 { return d.dmg.Total() }

// TakeDamage implements drivers.DamageSource.
func (d *Decoder) TakeDamage() []drivers.Event { return d.dmg.Take() }

// stream is the reassembly state of one direction.
type stream struct {
	buf []byte
}

var _ drivers.Decoder = (*Decoder)(nil)

// New returns a Decoder.
func New(opts Options) *Decoder {
	if opts.Currency == "" {
		opts.Currency = "CLP"
	}
	return &Decoder{opts: opts}
}

// Stats returns the counters so far.
func (d *Decoder) Stats() Stats {
	s := d.stats
	c := d.link.Counts()
	s.Frames, s.ACKs, s.NAKs, s.Retransmits, s.NoiseBytes = c.Frames, c.ACKs, c.NAKs, c.Retransmits, c.NoiseBytes
	return s
}

// feedSlice bounds how much of a chunk is buffered at once: the buffers
// hold at most one incomplete frame (MaxFrame) plus one slice.
const feedSlice = 16 << 10

// Feed consumes one chunk and returns the events it completed. Events carry
// the chunk's time.
func (d *Decoder) Feed(c drivers.Chunk) []drivers.Event {
	var evs []drivers.Event
	dir := 0
	if c.Dir == drivers.FromDevice {
		dir = 1
	}
	for data := c.Data; len(data) > 0; {
		n := min(len(data), feedSlice)
		evs = append(evs, d.feed(dir, c.Time, data[:n])...)
		data = data[n:]
	}
	d.stats.Events += len(evs)
	return evs
}

// feed buffers one slice and decodes every frame it completes.
func (d *Decoder) feed(dir int, t time.Time, data []byte) []drivers.Event {
	d.lastT = t
	s := &d.in[dir]
	s.buf = append(s.buf, data...)
	var evs []drivers.Event
	pos := 0
	for pos < len(s.buf) {
		adv, payload, withSTX, err := splitFrame(s.buf[pos:], false)
		if adv == 0 && err == nil {
			break
		}
		switch {
		case err != nil:
			what := "framing"
			if errors.Is(err, ErrLRC) {
				d.stats.LRCErrors++
				what = "lrc"
			} else {
				d.stats.FramingErrors++
			}
			d.fail(shift(err, pos))
			d.dmg.Note(t, drivers.Direction(dir), what)
		case payload == nil:
			noise := d.link.Counts().NoiseBytes
			d.link.Between(dir, s.buf[pos:pos+adv], t)
			if d.link.Counts().NoiseBytes > noise {
				d.dmg.Note(t, drivers.Direction(dir), "noise")
			}
		default:
			if withSTX {
				d.stats.LRCWithSTX++
			}
			if d.link.Frame(dir, payload, t) {
				evs = append(evs, d.message(payload, t)...)
			}
		}
		pos += adv
	}
	rest := copy(s.buf, s.buf[pos:])
	clear(s.buf[rest:])
	s.buf = s.buf[:rest]
	return evs
}

// Flush drops a partial frame left after the line went idle (counted as
// Incomplete). It returns no events: a result is complete with its frame.
func (d *Decoder) Flush(now time.Time) []drivers.Event {
	for i := range d.in {
		s := &d.in[i]
		if len(s.buf) == 0 {
			continue
		}
		d.stats.Incomplete++
		d.fail(derr(len(s.buf), ErrShort, "%d bytes of an incomplete frame dropped at flush", len(s.buf)))
		clear(s.buf)
		s.buf = s.buf[:0]
		d.dmg.Note(d.lastT, drivers.Direction(i), "cut_short")
	}
	d.dmg.Flush(now)
	return nil
}

// message parses one payload and runs it through the session.
func (d *Decoder) message(payload []byte, t time.Time) []drivers.Event {
	m, err := Parse(payload, d.opts.Model)
	if err != nil {
		d.stats.DecodeErrors++
		d.fail(err)
		return nil
	}
	if m.Function == FnIntermediate {
		d.stats.Intermediate++
	}
	return d.sess.handle(m, t, d.opts.Currency)
}

// fail records an error.
func (d *Decoder) fail(err error) { d.stats.LastError = err }

// shift moves a *DecodeError's offset by base.
func shift(err error, base int) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return &DecodeError{Offset: de.Offset + base, Msg: de.Msg, Err: de.Err}
	}
	return err
}
