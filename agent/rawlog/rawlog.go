// Package rawlog keeps the raw input of every device durable, card data
// masked, for as long as its decoder holds something not yet journaled:
// an open print job, a cut receipt waiting for its drawer kick, a status
// request waiting for its answer, a terminal conversation waiting for its
// result. The agent commits a step's records in the same Badger
// transaction as the journal events decoded in that step; when a decoder
// settles (drivers.Settler) the device's records are deleted. After a
// kill -9 or a power cut the agent feeds the records left behind to fresh
// decoders and journals what they complete, so a receipt read but not yet
// journaled is not lost (see agent.recoverInput).
//
// Records of a device that settles in the step that read them are never
// written: a status poll answered at once, or a whole receipt read in one
// step and decoded at once, costs no disk write here.
//
// Card data: print streams (ESC/POS text) are masked with
// drivers.MaskTextPANs over the whole pending stream of the device, so a
// number split across reads is found; while a run of digits ends the
// stream (it may still grow into a card number) every digit of it after
// the sixth is written masked, and the record is rewritten once the run
// has ended. Terminal protocols go through their stream redactors
// (zvt.Redactor and the like), which return whole messages only: part of
// a message is not written until the message is complete.
package rawlog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
)

// StoreName is the buffer store holding the records.
const StoreName = "raw"

// DefaultMaxBytes bounds the bytes kept per device: a decoder that never
// settles (a stream it cannot follow) must not fill the disk. The oldest
// records are given up first.
const DefaultMaxBytes = 1 << 20

// Redactor is a terminal protocol's stream redactor: it returns the
// redacted bytes of every message the data completed.
type Redactor interface {
	Redact(dir drivers.Direction, data []byte) []byte
}

// Device says how one device's bytes are made safe to write.
type Device struct {
	Name string
	// Text marks a print stream: host bytes are masked as text.
	Text bool
	// Images, with Text, makes a print stream's images safe to write
	// before text masking: it gets the device's pending host stream (from
	// where the device last settled) and returns a copy with the dots of
	// images not read yet blanked whole and the card numbers of those
	// read blanked (escpos.RedactImages). A record is rewritten when an
	// image it holds was read since it was written. A stream whose start
	// the bound gave up cannot be parsed: none of it is written after.
	Images func(stream []byte) []byte
	// SyncGap, with Images, says the log may start reading the line
	// inside an image (the agent started or the line came back up while a
	// receipt printed): Images would read the rest of its bytes as text
	// and leave their dots. Host bytes are kept as zeros (0x00, the length
	// kept) until one comes SyncGap after the line's last byte or its
	// Opened time; Images reads the stream afresh from there. Lost: the
	// rest of the receipt in flight when the log started reading.
	SyncGap time.Duration
	// Polls, with SyncGap, tells host chunks that do not break a quiet
	// line (status requests: escpos.StatusPolls); nil: none.
	Polls func(data []byte) bool
	// Redactor redacts a terminal stream; nil with Text false means the
	// bytes cannot be checked for card data and are never written.
	Redactor Redactor
}

// Log is the raw input log of one agent. It is not safe for concurrent
// use: the agent's core goroutine owns it.
type Log struct {
	store    *buffer.Store
	devs     map[string]*device
	maxBytes int
	next     uint64   // next record number
	dels     [][]byte // keys to delete at the next Stage
	staged   []staged // writes of the Stage in progress
	delsOut  bool     // the Stage in progress staged dels
	dropped  int
}

// staged is a record write waiting for its batch to commit.
type staged struct {
	rec   *record
	value []byte
}

type device struct {
	Device
	recs []*record // since the device last settled, oldest first
	size int
	// cut says the bound gave up records since the device last settled:
	// the stream kept may start inside a card number.
	cut bool
	// unsynced says host bytes are kept as zeros until a quiet line (see
	// Device.SyncGap); last is the line's last host byte or opening.
	unsynced bool
	last     time.Time
}

// record is one chunk as read (raw, in memory only) and as written.
type record struct {
	key     []byte
	at      time.Time
	dir     drivers.Direction
	raw     []byte // print streams: the bytes as read; nil once redacted otherwise
	safe    []byte // terminal streams: the redacted bytes
	written []byte // the masked bytes last committed; nil when never written
	// start marks the first host record read at a quiet line (SyncGap):
	// Images reads the stream afresh from it.
	start bool
}

// New returns the log kept in db for devs.
func New(db *buffer.DB, devs []Device) *Log {
	l := &Log{store: db.Store(StoreName), devs: map[string]*device{}, maxBytes: DefaultMaxBytes}
	for _, d := range devs {
		l.devs[d.Name] = &device{Device: d, unsynced: d.Images != nil && d.SyncGap > 0}
	}
	return l
}

// Opened tells the log that dev's line came up at at: with SyncGap, the
// quiet gap counts from there, so the first receipt after a port opened
// on a quiet line is kept; after the line came back up, bytes were lost
// and host bytes are kept as zeros again until the line is quiet.
func (l *Log) Opened(dev string, at time.Time) {
	d := l.devs[dev]
	if d == nil || d.Images == nil || d.SyncGap <= 0 {
		return
	}
	d.unsynced = true
	if at.After(d.last) {
		d.last = at
	}
}

// sync zeroes r's bytes while d reads its line unsynchronised (see
// Device.SyncGap) and marks the record that finds the line quiet.
func (d *device) sync(r *record) {
	if d.Images == nil || d.SyncGap <= 0 || r.dir != drivers.FromHost {
		return
	}
	poll := d.Polls != nil && d.Polls(r.raw)
	if d.unsynced {
		if !d.last.IsZero() && r.at.Sub(d.last) >= d.SyncGap {
			d.unsynced, r.start = false, true
		} else {
			clear(r.raw)
		}
	}
	if r.at.After(d.last) && !poll {
		d.last = r.at
	}
}

// Load reads the records a previous run left behind, per device, oldest
// first, and keeps them as the devices' pending records (they are deleted
// once the device settles). Records of devices no longer configured are
// deleted at the next Stage. Call it once, before Add.
func (l *Log) Load() (map[string][]drivers.Chunk, error) {
	out := map[string][]drivers.Chunk{}
	err := l.store.Scan(nil, nil, func(k, v []byte) error {
		name, n, err := parseKey(k)
		if err != nil {
			return err
		}
		l.next = max(l.next, n+1)
		d := l.devs[name]
		if d == nil {
			l.dels = append(l.dels, k)
			return nil
		}
		c, err := decodeValue(v)
		if err != nil {
			return fmt.Errorf("rawlog: record %q: %w", k, err)
		}
		d.recs = append(d.recs, &record{key: k, at: c.Time, dir: c.Dir, raw: c.Data, safe: c.Data, written: c.Data})
		d.size += len(c.Data)
		out[name] = append(out[name], c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rawlog: load: %w", err)
	}
	return out, nil
}

// Add keeps a chunk of dev until the device settles. Unknown devices are
// ignored.
func (l *Log) Add(dev string, c drivers.Chunk) {
	d := l.devs[dev]
	if d == nil || len(c.Data) == 0 {
		return
	}
	r := &record{at: c.Time, dir: c.Dir}
	switch {
	case d.Text:
		r.raw = append([]byte(nil), c.Data...)
		d.sync(r)
	case d.Redactor != nil:
		r.safe = d.Redactor.Redact(c.Dir, c.Data)
		if len(r.safe) == 0 {
			return // part of a message: written with the chunk completing it
		}
	default:
		return
	}
	r.key = l.key(dev)
	d.recs = append(d.recs, r)
	d.size += max(len(r.raw), len(r.safe))
	for d.size > l.maxBytes && len(d.recs) > 1 {
		l.drop(d, 1)
		l.dropped++
		d.cut = true
	}
}

// Settle forgets dev's records: its decoder holds nothing from them.
func (l *Log) Settle(dev string) {
	if d := l.devs[dev]; d != nil {
		l.drop(d, len(d.recs))
		d.cut = false
	}
}

// drop forgets the n oldest records of d, deleting those written.
func (l *Log) drop(d *device, n int) {
	for _, r := range d.recs[:n] {
		d.size -= max(len(r.raw), len(r.safe))
		if r.written != nil {
			l.dels = append(l.dels, r.key)
		}
	}
	clear(d.recs[:n])
	d.recs = d.recs[n:]
}

// Unwritten reports whether some kept record was never written.
func (l *Log) Unwritten() bool {
	for _, d := range l.devs {
		for _, r := range d.recs {
			if r.written == nil {
				return true
			}
		}
	}
	return false
}

// Deleting reports whether deletes wait for the next Stage.
func (l *Log) Deleting() bool { return len(l.dels) > 0 }

// Dropped counts records given up because a device kept more than the
// bound without settling.
func (l *Log) Dropped() int { return l.dropped }

// Stage adds to b the writes that make the log durable as it stands: new
// records, print-stream records whose masking changed, and deletes. Call
// Done with the commit's result.
func (l *Log) Stage(b *buffer.Batch) { l.stage(b, true) }

// StagePuts is Stage without the deletes: they wait for the next Stage.
// The agent writes this way the input behind events it has not journaled
// yet (agent/rawinput.go): records of a device settled meanwhile must stay
// on disk until those events are, in the same batch.
func (l *Log) StagePuts(b *buffer.Batch) { l.stage(b, false) }

func (l *Log) stage(b *buffer.Batch, dels bool) {
	l.staged = l.staged[:0]
	l.delsOut = dels && len(l.dels) > 0
	for _, d := range l.devs {
		if d.Text {
			l.stageText(d)
			continue
		}
		for _, r := range d.recs {
			if r.written == nil {
				l.staged = append(l.staged, staged{rec: r, value: r.safe})
			}
		}
	}
	for _, s := range l.staged {
		b.Put(l.store, s.rec.key, encodeValue(s.rec.at, s.rec.dir, s.value))
	}
	if l.delsOut {
		b.Delete(l.store, l.dels...)
	}
}

// Done records the result of committing the batch Stage filled: on
// success the staged writes count as written; on failure they are staged
// again next time.
func (l *Log) Done(err error) {
	if err == nil {
		for _, s := range l.staged {
			s.rec.written = s.value
		}
		if l.delsOut {
			l.dels = nil
		}
	}
	l.staged, l.delsOut = l.staged[:0], false
}

// stageText masks the device's pending host stream as a whole and stages
// every record whose masked bytes are new or changed.
func (l *Log) stageText(d *device) {
	var host []byte
	starts := []int{0} // Images reads each part from a quiet line afresh
	for _, r := range d.recs {
		if r.dir == drivers.FromHost {
			if r.start && len(host) > 0 {
				starts = append(starts, len(host))
			}
			host = append(host, r.raw...)
		}
	}
	if d.Images != nil {
		if d.cut {
			return
		}
		starts = append(starts, len(host))
		for i := range starts[1:] {
			part := host[starts[i]:starts[i+1]]
			copy(part, d.Images(part))
		}
	}
	maskPending(host)
	if d.cut {
		maskLeadingRun(host)
	}
	off := 0
	for _, r := range d.recs {
		v := r.raw
		if r.dir == drivers.FromHost {
			v = host[off : off+len(r.raw)]
			off += len(r.raw)
		}
		if r.written == nil || !bytes.Equal(r.written, v) {
			l.staged = append(l.staged, staged{rec: r, value: v})
		}
	}
}

// maskPending masks card numbers in a print stream that may continue: a
// trailing run of digits, spaces and dashes keeps only its first six
// digits until more bytes show where it ends.
func maskPending(b []byte) {
	drivers.MaskTextPANs(b)
	i := len(b)
	for i > 0 && isRunByte(b[i-1]) {
		i--
	}
	digits := 0
	for ; i < len(b); i++ {
		if b[i] >= '0' && b[i] <= '9' {
			if digits++; digits > 6 {
				b[i] = drivers.MaskChar
			}
		}
	}
}

// maskLeadingRun masks every digit of a run of digits, spaces and dashes
// that starts the stream: once the records before it were given up it may
// be the rest of a card number, too short for MaskTextPANs to know it.
func maskLeadingRun(b []byte) {
	for i := 0; i < len(b) && isRunByte(b[i]); i++ {
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = drivers.MaskChar
		}
	}
}

func isRunByte(c byte) bool { return c >= '0' && c <= '9' || c == ' ' || c == '-' }

// key returns the next record key of dev: the name, a NUL, an 8-byte
// big-endian number.
func (l *Log) key(dev string) []byte {
	k := binary.BigEndian.AppendUint64(append([]byte(dev), 0), l.next)
	l.next++
	return k
}

func parseKey(k []byte) (string, uint64, error) {
	i := bytes.IndexByte(k, 0)
	if i < 0 || len(k)-i-1 != 8 {
		return "", 0, fmt.Errorf("rawlog: bad record key %q", k)
	}
	return string(k[:i]), binary.BigEndian.Uint64(k[i+1:]), nil
}

// encodeValue is the time (Unix nanoseconds), the direction and the bytes.
func encodeValue(at time.Time, dir drivers.Direction, data []byte) []byte {
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 9+len(data)), uint64(at.UnixNano()))
	return append(append(v, byte(dir)), data...)
}

func decodeValue(v []byte) (drivers.Chunk, error) {
	if len(v) < 9 {
		return drivers.Chunk{}, errors.New("shorter than its header")
	}
	return drivers.Chunk{
		Time: time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC(),
		Dir:  drivers.Direction(v[8]),
		Data: append([]byte(nil), v[9:]...),
	}, nil
}
