package agent

import (
	"fmt"
	"log/slog"

	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/configs"
)

// captureSink writes every link chunk and link event to a capture file.
// Terminal links are redacted on the way (card digits masked, CRC
// recomputed) so no full card number reaches the disk.
type captureSink struct {
	w         *capture.Writer
	redactors redactors
	log       *slog.Logger
	failed    bool
}

func openCapture(cfg *configs.Config, log *slog.Logger) (*captureSink, error) {
	w, err := capture.Create(cfg.Capture, capture.HeaderFor(cfg))
	if err != nil {
		return nil, fmt.Errorf("agent: capture: %w", err)
	}
	return &captureSink{w: w, redactors: newRedactors(cfg.Devices), log: log}, nil
}

func (s *captureSink) record(in input) {
	r := capture.Record{Dev: in.dev}
	if in.link != nil {
		r.Time, r.Link, r.Reason = in.link.Time, "down", in.link.Reason
		if in.link.Up {
			r.Link = "up"
		}
	} else {
		r.Time, r.Dir = in.chunk.Time, in.chunk.Dir
		r.Data = s.redactors.redact(in.dev, in.chunk.Dir, in.chunk.Data)
		if len(r.Data) == 0 {
			return // held back until its frame completes
		}
	}
	if err := s.w.Write(r); err != nil && !s.failed {
		s.failed = true // a full disk must not stop the lane; say it once
		s.log.Error("capture write failed; capture stops", "err", err)
	}
}

// flush hands buffered lines to the OS (once per agent step).
func (s *captureSink) flush() {
	if err := s.w.Flush(); err != nil && !s.failed {
		s.failed = true
		s.log.Error("capture write failed; capture stops", "err", err)
	}
}

// Close flushes and closes the capture file.
func (s *captureSink) Close() error { return s.w.Close() }
