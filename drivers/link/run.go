package link

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Sink receives what a link saw. Within one Run its methods are called
// from one goroutine at a time, in the order things happened (a request
// is delivered before the answer it caused). A slow Sink slows the link
// down (bounded queue); it never loses bytes. The Sink owns c.Data.
type Sink interface {
	// Chunk is one read: its bytes, direction and the time of the read.
	Chunk(dev string, c drivers.Chunk)
	// Link is a transition of the whole link: Up when every line is
	// open, Down (once) as soon as one is not.
	Link(dev string, ev *drivers.Link)
}

// queueLen bounds the chunks and transitions waiting for the Sink.
const queueLen = 1024

// readSize is the read buffer of a line; one read becomes one Chunk.
const readSize = 4096

// item is a chunk or a line transition on its way to the Sink.
type item struct {
	line  int
	chunk drivers.Chunk
	state bool // a line transition, not a chunk
	up    bool
	err   error
	at    time.Time
}

// runner runs the lines of one device and delivers to its Sink.
type runner struct {
	dev   string
	now   func() time.Time
	open  Opener
	retry Backoff
	log   *slog.Logger
	sink  Sink
	lines []*line

	mu  sync.Mutex // orders stamping and queueing across lines
	out chan item
}

// options are the fields Tap and Bridge share.
type options struct {
	kind  string // "tap" or "bridge", for errors
	dev   string
	now   func() time.Time
	open  Opener
	retry Backoff
	log   *slog.Logger
}

func newRunner(o options, sink Sink, lines []*line) (*runner, error) {
	if o.dev == "" {
		return nil, fmt.Errorf("link: %s: empty Device", o.kind)
	}
	if sink == nil {
		return nil, fmt.Errorf("link: %s %s: nil Sink", o.kind, o.dev)
	}
	if o.open == nil {
		o.open = OpenSerial
		for _, l := range lines {
			if l.open != nil {
				continue
			}
			if err := l.cfg.Validate(); err != nil {
				return nil, fmt.Errorf("link: %s %s, %s line: %w", o.kind, o.dev, l.side, err)
			}
		}
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.log == nil {
		o.log = slog.Default()
	}
	for i, l := range lines {
		l.cfg = l.cfg.WithDefaults()
		l.idx = i
	}
	return &runner{
		dev: o.dev, now: o.now, open: o.open, retry: o.retry.WithDefaults(),
		log: o.log.With("dev", o.dev, "topology", o.kind), sink: sink, lines: lines,
		out: make(chan item, queueLen),
	}, nil
}

// run starts every line, delivers until all have stopped, and returns
// when ctx is done and no goroutine of its own is left.
func (r *runner) run(ctx context.Context) error {
	return r.runWith(ctx, func(ctx context.Context) {
		var wg sync.WaitGroup
		for _, l := range r.lines {
			wg.Go(func() { l.run(ctx, r) })
		}
		wg.Wait()
	})
}

// runWith delivers to the Sink while fn runs, and returns once fn has
// returned and everything it queued was delivered.
func (r *runner) runWith(ctx context.Context, fn func(ctx context.Context)) error {
	delivered := make(chan struct{})
	go r.deliver(delivered)
	fn(ctx)
	close(r.out)
	<-delivered
	return nil
}

// emitChunk stamps one read and queues a copy of it for the Sink.
func (r *runner) emitChunk(dir drivers.Direction, b []byte) {
	data := append([]byte(nil), b...)
	r.mu.Lock()
	r.out <- item{chunk: drivers.Chunk{Time: r.now(), Dir: dir, Data: data}}
	r.mu.Unlock()
}

// emitState queues a line transition.
func (r *runner) emitState(idx int, up bool, err error) {
	r.mu.Lock()
	r.out <- item{line: idx, state: true, up: up, err: err, at: r.now()}
	r.mu.Unlock()
}

// deliver hands queued items to the Sink and folds line transitions into
// link transitions: Up when every line is up, Down when one is down.
func (r *runner) deliver(done chan<- struct{}) {
	defer close(done)
	state := make([]int, len(r.lines)) // 0 unknown, 1 up, -1 down
	link := 0
	for it := range r.out {
		if !it.state {
			r.sink.Chunk(r.dev, it.chunk)
			continue
		}
		l := r.lines[it.line]
		if it.up {
			state[it.line] = 1
			r.log.Info("link: line up", "line", l.side, "path", l.cfg.Path)
		} else {
			state[it.line] = -1
			r.log.Warn("link: line down", "line", l.side, "path", l.cfg.Path, "err", it.err)
		}
		next := aggregate(state)
		if next == 0 || next == link {
			continue
		}
		link = next
		ev := &drivers.Link{Head: drivers.Head{Time: it.at, Device: r.dev}, Up: next > 0}
		if !ev.Up {
			ev.Reason = reason(l.side, it.err)
		}
		r.sink.Link(r.dev, ev)
	}
}

// aggregate is -1 if any line is down, 1 if all are up, else 0.
func aggregate(state []int) int {
	all := 1
	for _, s := range state {
		if s < 0 {
			return -1
		}
		if s == 0 {
			all = 0
		}
	}
	return all
}

// reason is a Down event's text: the line, then the error without the
// package prefix ("device line: open /dev/ttyUSB1 (gobug): no such port...").
func reason(side string, err error) string {
	if err == nil {
		err = errors.New("closed")
	}
	return side + " line: " + strings.TrimPrefix(err.Error(), "link: ")
}
