package agent

import (
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// input is one thing a link reported: a chunk of bytes or a link event.
type input struct {
	dev   string
	chunk drivers.Chunk
	link  *drivers.Link
}

// mailbox hands link input to the agent's core goroutine without ever
// blocking a link (a bridge must not wait on the journal's fsync), and
// without dropping anything: it is an unbounded queue with a wake-up channel.
type mailbox struct {
	mu    sync.Mutex
	items []input
	wake  chan struct{}
}

func newMailbox() *mailbox { return &mailbox{wake: make(chan struct{}, 1)} }

func (m *mailbox) put(in input) {
	m.mu.Lock()
	m.items = append(m.items, in)
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// take returns everything queued so far.
func (m *mailbox) take() []input {
	m.mu.Lock()
	defer m.mu.Unlock()
	items := m.items
	m.items = nil
	return items
}

// Chunk implements link.Sink.
func (m *mailbox) Chunk(dev string, c drivers.Chunk) {
	c.Data = append([]byte(nil), c.Data...) // the link reuses its buffer
	c.Time = CaptureTime(c.Time)
	m.put(input{dev: dev, chunk: c})
}

// Link implements link.Sink.
func (m *mailbox) Link(dev string, ev *drivers.Link) {
	ev.Time = CaptureTime(ev.Time)
	m.put(input{dev: dev, link: ev})
}

// CaptureTime is a read's time as the capture file keeps it: UTC, whole
// microseconds. The live agent uses exactly this time too, so events (and
// the alert ids derived from them) are identical live and in replay.
func CaptureTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
