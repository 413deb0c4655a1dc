package links

import (
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Input is one thing a link reported: a chunk of bytes or (Link set) a link
// event.
type Input struct {
	Dev   string
	Chunk drivers.Chunk
	Link  *drivers.Link
}

// Mailbox hands link input to one consuming goroutine (the agent's core, a
// technician tool) without ever blocking a link (a bridge must not wait on
// the journal's fsync), and without dropping anything: it is an unbounded
// queue with a wake-up channel. It implements link.Sink.
type Mailbox struct {
	mu    sync.Mutex
	items []Input
	wake  chan struct{}
}

// NewMailbox returns an empty mailbox.
func NewMailbox() *Mailbox { return &Mailbox{wake: make(chan struct{}, 1)} }

func (m *Mailbox) put(in Input) {
	m.mu.Lock()
	m.items = append(m.items, in)
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Wake receives a value after input arrived; Take then returns it.
func (m *Mailbox) Wake() <-chan struct{} { return m.wake }

// Poke wakes the reader of Wake without input (a health check asking
// the core loop to go round).
func (m *Mailbox) Poke() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Take returns everything queued so far.
func (m *Mailbox) Take() []Input {
	m.mu.Lock()
	defer m.mu.Unlock()
	items := m.items
	m.items = nil
	return items
}

// Chunk implements link.Sink.
func (m *Mailbox) Chunk(dev string, c drivers.Chunk) {
	c.Data = append([]byte(nil), c.Data...) // the link reuses its buffer
	c.Time = CaptureTime(c.Time)
	m.put(Input{Dev: dev, Chunk: c})
}

// Link implements link.Sink.
func (m *Mailbox) Link(dev string, ev *drivers.Link) {
	ev.Time = CaptureTime(ev.Time)
	m.put(Input{Dev: dev, Link: ev})
}

// CaptureTime is a read's time as the capture file keeps it: UTC, whole
// microseconds. The live agent uses exactly this time too, so events (and
// the alert ids derived from them) are identical live and in replay.
func CaptureTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
