package capture

import (
	"errors"
	"log/slog"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Redactor rewrites a device's raw bytes so no card data is left in them;
// it may hold back an incomplete frame (returning nothing) until a later
// call completes it.
type Redactor interface {
	Redact(dev string, dir drivers.Direction, data []byte) []byte
}

// LineRedactor is a Redactor that needs the times of the line (a raster
// printer's redactor waits for a quiet line, see lane.Redactors): Sink
// uses RedactChunk instead of Redact and tells it when a link comes up.
type LineRedactor interface {
	Redactor
	RedactChunk(dev string, c drivers.Chunk) []byte
	Opened(dev string, at time.Time)
}

// Sink writes every link chunk and link event to a capture file: it
// implements link.Sink. Chunks pass through the Redactor on the way (card
// digits masked, checksums recomputed) so no full card number reaches the
// disk. A write that fails (a full disk) is logged once and ends the
// capture, never the lane. A Sink is not safe for concurrent use.
type Sink struct {
	w         *Writer
	red       Redactor
	log       *slog.Logger
	failed    bool
	overflows map[string]int // per device, as last logged (Overflower)
}

// Overflower is a Redactor that may write part of a device's bytes blanked
// because it could not hold them back until it could read them (a raster
// printer's image run longer than it holds): Sink logs each time, so a
// capture with blanked images is explained.
type Overflower interface {
	Overflows(dev string) int
}

// ErrStopped says a Sink stopped writing after a failed write.
var ErrStopped = errors.New("capture: writing the file failed (disk full?)")

// CreateSink creates (or appends to) the capture file at path, headed by h.
func CreateSink(path string, h *Header, red Redactor, log *slog.Logger) (*Sink, error) {
	w, err := Create(path, h)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	return &Sink{w: w, red: red, log: log}, nil
}

// Chunk records one read of dev, redacted.
func (s *Sink) Chunk(dev string, c drivers.Chunk) {
	data := c.Data
	if lr, ok := s.red.(LineRedactor); ok {
		data = lr.RedactChunk(dev, c)
	} else if s.red != nil {
		data = s.red.Redact(dev, c.Dir, c.Data)
	}
	if o, ok := s.red.(Overflower); ok {
		if n := o.Overflows(dev); n > s.overflows[dev] {
			if s.overflows == nil {
				s.overflows = map[string]int{}
			}
			s.overflows[dev] = n
			s.log.Warn("capture: an image run too long to hold back until read was written with its dots blanked", "dev", dev, "times", n)
		}
	}
	if len(data) == 0 {
		return // held back until its frame completes
	}
	s.write(Record{Dev: dev, Time: c.Time, Dir: c.Dir, Data: data})
}

// Link records a link transition of dev.
func (s *Sink) Link(dev string, ev *drivers.Link) {
	r := Record{Dev: dev, Time: ev.Time, Link: LinkDown, Reason: ev.Reason}
	if ev.Up {
		r.Link = LinkUp
		if lr, ok := s.red.(LineRedactor); ok {
			lr.Opened(dev, ev.Time)
		}
	}
	s.write(r)
}

func (s *Sink) write(r Record) {
	if err := s.w.Write(r); err != nil {
		s.fail(err)
	}
}

// Flush hands buffered lines to the OS (once per agent step). It returns
// ErrStopped once a write has failed.
func (s *Sink) Flush() error {
	if err := s.w.Flush(); err != nil {
		s.fail(err)
	}
	if s.failed {
		return ErrStopped
	}
	return nil
}

func (s *Sink) fail(err error) {
	if !s.failed {
		s.failed = true // a full disk must not stop the lane; say it once
		s.log.Error("capture write failed; capture stops", "err", err)
	}
}

// Close flushes and closes the capture file.
func (s *Sink) Close() error { return s.w.Close() }
