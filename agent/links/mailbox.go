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

// MaxQueued bounds the chunk bytes a Mailbox holds between two Takes. A
// link that delivers more waits in Chunk until the consumer takes them:
// on a bridge the register then waits for the agent (TCP flow control),
// where an unbounded queue held a whole burst in memory (the acceptance
// walk: 200 MB of printer bytes, 497 MB peak RSS with a capture being
// written). A line whose consumer keeps up never waits: a serial line
// brings 11 KB a second, a printer prints a few hundred KB; a fsync of the
// journal takes well under a second.
const MaxQueued = 4 << 20

// Mailbox hands link input to one consuming goroutine (the agent's core, a
// technician tool) without dropping anything. It never blocks a link for
// the consumer's pauses (a bridge must not wait on the journal's fsync),
// only once MaxQueued bytes wait (see MaxQueued); Release lifts that bound
// for a consumer that stops. It implements link.Sink.
type Mailbox struct {
	mu       sync.Mutex
	room     *sync.Cond // signalled when a Take or Release made room
	items    []Input
	queued   int  // bytes of the items' chunks
	released bool // no bound: the consumer stops
	wake     chan struct{}
}

// NewMailbox returns an empty mailbox.
func NewMailbox() *Mailbox {
	m := &Mailbox{wake: make(chan struct{}, 1)}
	m.room = sync.NewCond(&m.mu)
	return m
}

func (m *Mailbox) put(in Input) {
	m.mu.Lock()
	// A chunk is queued when the queue is under the bound: at most
	// MaxQueued plus one read wait.
	for m.queued >= MaxQueued && !m.released {
		m.room.Wait()
	}
	m.items = append(m.items, in)
	m.queued += len(in.Chunk.Data)
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

// Take returns everything queued so far (chunk bytes: at most MaxQueued
// plus one read) and lets links that waited for room go on.
func (m *Mailbox) Take() []Input {
	m.mu.Lock()
	defer m.mu.Unlock()
	items := m.items
	m.items, m.queued = nil, 0
	m.room.Broadcast()
	return items
}

// Release lifts the bound for good: a consumer about to stop taking calls
// it before it waits for the links to stop, so that none is left waiting
// for room (their last reads are then taken at once, unbounded).
func (m *Mailbox) Release() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.released = true
	m.room.Broadcast()
}

// Chunk implements link.Sink. It waits while MaxQueued bytes are queued.
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
