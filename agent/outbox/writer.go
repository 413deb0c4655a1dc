package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/agent/uplink"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
)

// QueueName is the outbox's queue in the lane's database.
const QueueName = "outbox"

// Open opens the lane's database in cfg.DataDir, moving a damaged one
// aside (the agent never refuses to start over a corrupt file), and sets
// the outbox's limits.
func Open(cfg *configs.Config, log *slog.Logger) (*buffer.DB, error) {
	opts := buffer.DefaultOptions()
	opts.MinFreeBytes = cfg.Outbox.MinFreeBytes
	db, _, err := buffer.OpenOrRecover(cfg.DataDir, opts, log)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	db.Queue(QueueName).SetLimits(buffer.Limits{MaxBytes: cfg.Outbox.MaxBytes, MaxAge: cfg.Outbox.MaxAge})
	return db, nil
}

// Options configure a Writer.
type Options struct {
	// Topics names the lane's topics (alerts, settlement).
	Topics topic.Lane
	// Log receives what the writer sheds, holds and loses; default
	// slog.Default().
	Log *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Writer is the only writer of a lane's outbox: it encodes alerts and
// summaries as uplink messages, maps an alert's severity to its class,
// and holds what a full disk refuses in memory until there is room. It is
// safe for concurrent use (the core goroutine and the upkeep goroutines
// write through it).
//
// The outbox has one reader, the uplink's drain. A second reader with its
// own durable cursor (a notification sink) gets a queue of its own with
// AddReader: every message goes to every reader's queue, and each reader
// takes items with Pending and lets them go with Done/DoneAll, whatever
// the others did.
type Writer struct {
	q      *buffer.Queue // the uplink's queue, targets[0]
	topics topic.Lane
	log    *slog.Logger
	now    func() time.Time

	mu                    sync.Mutex // all below, and every write to a queue
	targets               []*target
	fullSince, fullLogged time.Time
}

// putter is what the writer needs of a queue.
type putter interface {
	Put(id string, class buffer.Class, value []byte) (bool, error)
}

// target is one reader's queue and the messages a full disk kept out of
// it, oldest first.
type target struct {
	name string
	q    putter
	hold held
}

// New returns the writer of q, the uplink's queue.
func New(q *buffer.Queue, o Options) *Writer {
	w := newWriter(q, o)
	w.q = q
	return w
}

func newWriter(q putter, o Options) *Writer {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Writer{topics: o.Topics, log: o.Log, now: o.Now, targets: []*target{{name: QueueName, q: q}}}
}

// AddReader makes q receive every message stored from now on, for a
// second reader of the outbox with its own cursor: it reads q.Pending(n),
// waits on q.Changed() and removes what it delivered with q.DoneAll(ids),
// independently of the uplink. Give q its own name in the lane's database
// (db.Queue("outbox-notify")) and its limits (SetLimits); call AddReader
// before the writer's first message so the reader misses none.
func (w *Writer) AddReader(name string, q *buffer.Queue) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.targets = append(w.targets, &target{name: name, q: q})
}

// Queue is the outbox itself, for its reader (the uplink's drain).
func (w *Writer) Queue() *buffer.Queue { return w.q }

// Alert stores one alert, once per id, with its severity's class. It
// returns whether the alert is new (stored or held); an error means it
// could be neither.
func (w *Writer) Alert(al detect.Alert) (bool, error) {
	msg, err := AlertMessage(w.topics, al)
	if err != nil {
		return false, err
	}
	return w.Put(al.ID, Class(al.Severity), msg)
}

// AlertMessage is the MQTT message of an alert: its JSON on the lane's
// alert topic of its kind (QoS 1, not retained).
func AlertMessage(t topic.Lane, al detect.Alert) (uplink.Message, error) {
	b, err := json.Marshal(al)
	if err != nil {
		return uplink.Message{}, fmt.Errorf("outbox: encode alert %s: %w", al.ID, err)
	}
	return uplink.Message{Topic: t.Alert(al.Kind), Payload: b}, nil
}

// Class is the outbox class of an alert severity: what sheds first.
func Class(s detect.Severity) buffer.Class { return buffer.ParseClass(string(s)) }

// Settlement stores a settlement summary (class info) under id, once.
func (w *Writer) Settlement(id string, payload []byte) (bool, error) {
	return w.Put(id, buffer.ClassInfo, uplink.Message{Topic: w.topics.Settlement(), Payload: payload})
}

// Put stores msg under id (once per id) in every reader's queue, behind
// any held messages. It returns whether the message is new to the uplink's
// queue (stored or held); errors it cannot hold are returned.
func (w *Writer) Put(id string, class buffer.Class, msg uplink.Message) (bool, error) {
	h := heldAlert{id: id, class: class, value: uplink.EncodeMessage(msg)}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.retry()
	var added bool
	var errs []error
	for i, t := range w.targets {
		ok, err := w.put(t, h)
		if i == 0 {
			added = ok
		}
		errs = append(errs, err)
	}
	return added, errors.Join(errs...)
}

// put stores h in t's queue, or holds it there when the disk is full.
func (w *Writer) put(t *target, h heldAlert) (bool, error) {
	if len(t.hold.items) > 0 {
		w.holdLocked(t, h)
		return true, nil
	}
	added, err := t.q.Put(h.id, h.class, h.value)
	switch {
	case err == nil:
		return added, nil
	case errors.Is(err, buffer.ErrShed):
		w.log.Warn("alert shed: outbox over its byte capacity", "queue", t.name, "id", h.id, "severity", h.class, "error", err)
		return false, nil
	case errors.Is(err, buffer.ErrClosed):
		return false, fmt.Errorf("outbox: %s: %w", t.name, err)
	}
	w.diskFullLocked("outbox", err)
	w.holdLocked(t, h)
	return true, nil
}

func (w *Writer) holdLocked(t *target, h heldAlert) {
	if dropped, ok := t.hold.add(h); ok {
		w.log.Error("alert lost: disk full and too many alerts held in memory", "queue", t.name, "id", dropped.id, "severity", dropped.class, "held", maxHeld)
	}
}

// Holding reports whether messages wait in memory for room on the disk
// (Retry must be called again).
func (w *Writer) Holding() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, t := range w.targets {
		if len(t.hold.items) > 0 {
			return true
		}
	}
	return false
}

// Retry stores held messages, oldest first, until the outbox refuses
// again. The core calls it every round so held alerts go out as soon as
// there is room, even when no new alert comes.
func (w *Writer) Retry() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.retry()
}

func (w *Writer) retry() {
	n, left := 0, 0
	for _, t := range w.targets {
		for len(t.hold.items) > 0 {
			h := t.hold.items[0]
			_, err := t.q.Put(h.id, h.class, h.value)
			if err != nil && !errors.Is(err, buffer.ErrShed) {
				break // still no room; the next round tries again
			}
			t.hold.items = t.hold.items[1:]
			n++
		}
		left += len(t.hold.items)
	}
	if n > 0 {
		w.log.Warn("disk has room again: held alerts stored in the outbox", "alerts", n)
		if left == 0 {
			w.fullSince = time.Time{}
		}
	}
}

// DiskFull notes a write refused for lack of space (the journal's, so
// one log line covers both), logging once a minute at most.
func (w *Writer) DiskFull(what string, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.diskFullLocked(what, err)
}

func (w *Writer) diskFullLocked(what string, err error) {
	now := w.now()
	if w.fullSince.IsZero() {
		w.fullSince = now
	}
	if !w.fullLogged.IsZero() && now.Sub(w.fullLogged) < time.Minute {
		return
	}
	w.fullLogged = now
	w.log.Error("disk full: "+what+" not written; alerts are held in memory until there is room",
		"since", w.fullSince, "error", err)
}

// Held says how many alerts wait in memory for disk space to enter the
// uplink's queue and how many were dropped from memory since start.
func (w *Writer) Held() (n int, dropped buffer.ShedCounts) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.targets[0] // the uplink's
	return len(t.hold.items), t.hold.dropped
}

// Upkeep expires old outbox entries and logs what the outbox shed, every
// interval, until ctx is done.
func (w *Writer) Upkeep(ctx context.Context, every time.Duration, limits buffer.Limits) error {
	t := time.NewTicker(every)
	defer t.Stop()
	var last buffer.ShedCounts
	if st, err := w.q.Stats(); err == nil {
		last = st.Shed
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		w.expire(limits.MaxAge)
		st, err := w.q.Stats()
		if err != nil {
			w.log.Warn("outbox: stats", "error", err)
			continue
		}
		if st.Shed != last {
			w.log.Warn("outbox over its byte capacity: alerts shed (info first, then warning)",
				"info", st.Shed.Info-last.Info, "warning", st.Shed.Warning-last.Warning,
				"total_shed", st.Shed.Total(), "max_bytes", limits.MaxBytes)
			last = st.Shed
		}
	}
}

// expire drops entries older than their queue's age limit from every
// reader's queue.
func (w *Writer) expire(maxAge time.Duration) {
	w.mu.Lock()
	ts := slices.Clone(w.targets)
	w.mu.Unlock()
	for _, t := range ts {
		q, ok := t.q.(*buffer.Queue)
		if !ok {
			continue
		}
		if n, err := q.Expire(); err != nil {
			w.log.Warn("outbox: expire", "queue", t.name, "error", err)
		} else if n > 0 {
			w.log.Warn("outbox: undelivered alerts dropped for their age", "queue", t.name, "alerts", n, "max_age", maxAge)
		}
	}
}
