// Package tap lets technician verbs watch a running agent's links instead
// of opening its ports: the agent hands every chunk and link event it
// reads to a Hub, which redacts them the way captures are redacted and
// fans them out to live subscribers; Handler streams them over the local
// API as a capture file (header line, then records), so `monitor` decodes
// them and `capture` writes them as if it had opened the ports, while the
// agent keeps the ports and every byte.
//
// Publishing never blocks the agent: each subscriber has a bounded buffer,
// and one that falls behind is cut off and told so (trailer
// Tillwatch-Tap-End), never slowed down for.
package tap

import (
	"context"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
)

// Buffer is how many records a subscriber may be behind before it is cut
// off (a few seconds of a busy lane).
const Buffer = 4096

// Hub fans a lane's link input out to subscribers. Chunk and Link are
// called by the agent's core goroutine; Subscribe and Cancel by HTTP
// handlers.
type Hub struct {
	ctx    context.Context // the agent's run: done ends every stream
	newRed func() capture.Redactor

	mu   sync.Mutex
	subs map[*Sub]struct{}
	red  capture.Redactor // while anyone listens: redaction state spans chunks
	// heard is when each device's line was last heard or came up: a
	// subscriber joins mid-stream, and a raster printer's redactor counts
	// its quiet gap from there (capture.LineRedactor).
	heard map[string]time.Time
}

// Sub is one subscriber: records arrive on C, which is closed when the
// subscriber fell behind (Behind) or was cancelled.
type Sub struct {
	C      chan capture.Record
	devs   map[string]bool // nil: every device
	behind bool
}

// Behind says the subscriber was cut off for falling behind; read it after
// C is closed.
func (s *Sub) Behind() bool { return s.behind }

// New returns a Hub whose streams end when ctx is done; newRed makes the
// redactors (one set while anyone listens).
func New(ctx context.Context, newRed func() capture.Redactor) *Hub {
	return &Hub{ctx: ctx, newRed: newRed, subs: map[*Sub]struct{}{}, heard: map[string]time.Time{}}
}

// Subscribe starts a subscription to the named devices (all when none).
func (h *Hub) Subscribe(devs []string) *Sub {
	s := &Sub{C: make(chan capture.Record, Buffer)}
	if len(devs) > 0 {
		s.devs = map[string]bool{}
		for _, d := range devs {
			s.devs[d] = true
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) == 0 {
		h.red = h.newRed()
		if lr, ok := h.red.(capture.LineRedactor); ok {
			for dev, at := range h.heard {
				lr.Opened(dev, at)
			}
		}
	}
	h.subs[s] = struct{}{}
	return s
}

// Cancel ends a subscription (safe after it was cut off).
func (h *Hub) Cancel(s *Sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drop(s)
}

// drop removes s and closes its channel; h.mu is held.
func (h *Hub) drop(s *Sub) {
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	close(s.C)
	if len(h.subs) == 0 {
		h.red = nil
	}
}

// Chunk publishes one read of dev, redacted. A nil Hub does nothing.
func (h *Hub) Chunk(dev string, c drivers.Chunk) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.Dir == drivers.FromHost {
		h.heard[dev] = c.Time // a redactor made later counts from here
	}
	if len(h.subs) == 0 {
		return
	}
	var data []byte
	if red, ok := h.red.(capture.LineRedactor); ok {
		data = red.RedactChunk(dev, c)
	} else {
		data = h.red.Redact(dev, c.Dir, c.Data)
	}
	if len(data) == 0 {
		return // held back until its frame completes
	}
	h.publish(capture.Record{Time: c.Time, Dev: dev, Dir: c.Dir, Data: append([]byte(nil), data...)})
}

// Link publishes a link transition of dev. A nil Hub does nothing.
func (h *Hub) Link(dev string, ev *drivers.Link) {
	if h == nil {
		return
	}
	r := capture.Record{Time: ev.Time, Dev: dev, Link: capture.LinkDown, Reason: ev.Reason}
	h.mu.Lock()
	defer h.mu.Unlock()
	if ev.Up {
		r.Link = capture.LinkUp
		h.heard[dev] = ev.Time
		if lr, ok := h.red.(capture.LineRedactor); ok {
			lr.Opened(dev, ev.Time)
		}
	}
	h.publish(r)
}

// publish hands r to every subscriber of its device without waiting; h.mu
// is held.
func (h *Hub) publish(r capture.Record) {
	for s := range h.subs {
		if s.devs != nil && !s.devs[r.Dev] {
			continue
		}
		select {
		case s.C <- r:
		default:
			s.behind = true
			h.drop(s)
		}
	}
}

// Count is how many subscribers are listening.
func (h *Hub) Count() int {
	if h == nil {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
