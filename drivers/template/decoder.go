package template

import (
	"errors"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Stats counts what a Decoder saw. Errors never carry frame contents.
type Stats struct {
	Frames        int   // frames or lines
	Events        int   // events returned
	Unmatched     int   // frames no record applied to
	ACKs          int   // ACK bytes between frames (binary framings)
	NAKs          int   // NAK bytes between frames
	LRCErrors     int   // frames dropped for a bad LRC
	FramingErrors int   // cut, over-long or malformed frames
	DecodeErrors  int   // bad TLV bodies, fields that do not parse
	Incomplete    int   // partial frames dropped by Flush
	NoiseBytes    int   // bytes outside frames other than ACK and NAK
	LastError     error // the most recent error of any kind above
}

// Decoder decodes one terminal link with a template. It implements
// drivers.Decoder and is not safe for concurrent use.
type Decoder struct {
	t         *Template
	in        [2][]byte
	link      drivers.Exchange // ACK, NAK and noise between binary frames
	requested int64
	stats     Stats
	dmg       drivers.DamageReporter // frames that failed their check or framing, cut short, noise
	lastT     time.Time              // time of the last chunk
}

var _ drivers.DamageSource = (*Decoder)(nil)

// Damaged implements drivers.DamageSource: frames that failed their check
// or framing, were cut short, or noise skipped between frames.
func (d *Decoder) Damaged() int64 { return d.dmg.Total() }

// TakeDamage implements drivers.DamageSource.
func (d *Decoder) TakeDamage() []drivers.Event { return d.dmg.Take() }

var _ drivers.Decoder = (*Decoder)(nil)

// New returns a Decoder for a compiled template.
func New(t *Template) *Decoder { return &Decoder{t: t} }

// Stats returns the counters so far.
func (d *Decoder) Stats() Stats {
	s := d.stats
	c := d.link.Counts()
	s.ACKs, s.NAKs, s.NoiseBytes = c.ACKs, c.NAKs, c.NoiseBytes
	return s
}

// Feed consumes one chunk and returns the events it completed.
func (d *Decoder) Feed(c drivers.Chunk) []drivers.Event {
	dir := dirIndex(c.Dir)
	d.lastT = c.Time
	var evs []drivers.Event
	for data := c.Data; len(data) > 0; {
		n := min(len(data), d.t.framing.Max+1)
		d.in[dir] = append(d.in[dir], data[:n]...)
		evs = append(evs, d.drain(dir, c.Time, false)...)
		data = data[n:]
	}
	d.stats.Events += len(evs)
	return evs
}

// Flush is called when the line went idle: a last line without its
// newline is decoded; a partial binary frame is dropped (Incomplete).
func (d *Decoder) Flush(now time.Time) []drivers.Event {
	var evs []drivers.Event
	for dir := range d.in {
		if len(d.in[dir]) == 0 {
			continue
		}
		if d.t.framing.Type == FramingLines {
			evs = append(evs, d.drain(dir, now, true)...)
			continue
		}
		d.stats.Incomplete++
		d.stats.LastError = frameErr(ErrFraming, "%d bytes of an incomplete frame dropped at flush", len(d.in[dir]))
		clear(d.in[dir])
		d.in[dir] = d.in[dir][:0]
		d.dmg.Note(d.lastT, drivers.Direction(dir), "cut_short")
	}
	d.dmg.Flush(now)
	d.stats.Events += len(evs)
	return evs
}

// drain decodes every complete frame buffered for dir.
func (d *Decoder) drain(dir int, at time.Time, atEOF bool) []drivers.Event {
	buf := d.in[dir]
	var evs []drivers.Event
	pos := 0
	for pos < len(buf) {
		adv, body, _, err := d.t.split(buf[pos:], atEOF)
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
			d.stats.LastError = err
			d.dmg.Note(at, drivers.Direction(dir), what)
		case body == nil:
			if d.t.framing.Type != FramingLines {
				noise := d.link.Counts().NoiseBytes
				d.link.Between(dir, buf[pos:pos+adv], at)
				if d.link.Counts().NoiseBytes > noise {
					d.dmg.Note(at, drivers.Direction(dir), "noise")
				}
			}
		default:
			d.stats.Frames++
			if ev := d.frame(dir, body, at); ev != nil {
				evs = append(evs, ev)
			}
		}
		pos += adv
	}
	rest := copy(buf, buf[pos:])
	clear(buf[rest:])
	d.in[dir] = buf[:rest]
	return evs
}

// frame applies the first record that fits a frame body.
func (d *Decoder) frame(dir int, body []byte, at time.Time) drivers.Event {
	vals, idx, err := d.t.match(dir, body)
	if err != nil {
		d.stats.DecodeErrors++
		d.stats.LastError = err
		return nil
	}
	if idx < 0 {
		d.stats.Unmatched++
		return nil
	}
	ev, err := d.t.build(idx, &d.t.records[idx], vals, at, &d.requested)
	if err != nil {
		d.stats.DecodeErrors++
		d.stats.LastError = err
		return nil
	}
	return ev
}

// match returns the field values of a frame body and the index of the
// record that applies (-1 for none). dir is 0 (host) or 1 (device). The values are raw:
// the card field is masked by build, never returned as is.
func (t *Template) match(dir int, body []byte) (map[string]string, int, error) {
	if t.tlv != nil {
		vals := map[string]string{}
		err := walkTLV(body, 0, func(tag uint32, v []byte, _ int) {
			if ts, ok := t.tlv[tag]; ok {
				vals[ts.Field] = t.value(ts.Format, v)
			}
		})
		if err != nil {
			return nil, -1, err
		}
		for i := range t.records {
			r := &t.records[i]
			if r.from >= 0 && r.from != dir {
				continue
			}
			ok := true
			for _, f := range r.require {
				_, has := vals[f]
				ok = ok && has
			}
			if ok {
				return vals, i, nil
			}
		}
		return nil, -1, nil
	}
	text := t.text(body)
	for i := range t.records {
		r := &t.records[i]
		if r.from >= 0 && r.from != dir {
			continue
		}
		m := r.re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		vals := map[string]string{}
		for k, name := range r.re.SubexpNames() {
			if name != "" && m[k] != "" {
				vals[name] = m[k]
			}
		}
		return vals, i, nil
	}
	return nil, -1, nil
}

// dirIndex maps a direction to 0 (host) or 1 (device).
func dirIndex(d drivers.Direction) int {
	if d == drivers.FromDevice {
		return 1
	}
	return 0
}
