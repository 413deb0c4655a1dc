package uplink

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
)

// Outbox is the durable queue the uplink drains; *buffer.Queue implements
// it.
type Outbox interface {
	// Pending returns up to limit entries, oldest first.
	Pending(limit int) ([]buffer.Item, error)
	// Done deletes a delivered entry.
	Done(id string) error
	// Changed receives (coalesced) after puts.
	Changed() <-chan struct{}
	// PutIfAbsent stores an entry unless its id is known.
	PutIfAbsent(id string, value []byte) (bool, error)
}

var _ Outbox = (*buffer.Queue)(nil)

// Stats counts what an Uplink did since New.
type Stats struct {
	// Published counts PUBLISH packets of outbox entries, repeats after a
	// reconnect included.
	Published uint64 `json:"published"`
	// Acked counts entries deleted from the outbox after their PUBACK.
	Acked uint64 `json:"acked"`
	// DeadLettered counts undecodable entries moved to the dead-letter
	// topic (and deleted after their PUBACK).
	DeadLettered uint64 `json:"dead_lettered"`
	// Health counts health messages published.
	Health uint64 `json:"health"`
	// Received counts messages received on Config.Subscribe filters and
	// queued for their handler; ReceivedDropped those dropped because the
	// handler was behind; Replies the handlers' replies acked.
	Received        uint64 `json:"received,omitempty"`
	ReceivedDropped uint64 `json:"received_dropped,omitempty"`
	Replies         uint64 `json:"replies,omitempty"`
	// Connects counts successful connections; Reconnects those after the
	// first.
	Connects   uint64 `json:"connects"`
	Reconnects uint64 `json:"reconnects"`
	// Epoch grows on every connect and every connection end; a PUBACK
	// counts only if the epoch did not move between publish and ack.
	Epoch uint64 `json:"epoch"`
	// LastError is the latest connection or outbox error, "" if none.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// Uplink publishes outbox entries over MQTT. Run it once.
type Uplink struct {
	cfg Config
	ob  Outbox
	log *slog.Logger

	// ackTimeout: a PUBACK later than this on a live connection means
	// the broker lost the message; the uplink reconnects and republishes.
	ackTimeout time.Duration
	// sweepAge: settled entries wait at most about this long for a sweep
	// of their keys, however few they are (settler.go).
	sweepAge time.Duration

	epoch     atomic.Uint64
	connected atomic.Bool

	down unreachable // Run's goroutine only

	mu    sync.Mutex // guards stats
	stats Stats
}

// New returns an Uplink draining ob to the broker of cfg. cfg is checked
// by Run. log may be nil (discard).
func New(cfg Config, ob Outbox, log *slog.Logger) *Uplink {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Uplink{cfg: cfg, ob: ob, log: log, ackTimeout: defaultAckTimeout, sweepAge: defaultSweepAge, down: unreachable{every: warnEvery}}
}

// Connected reports whether a connection to the broker is up, its online
// status acknowledged, and the outbox being drained.
func (u *Uplink) Connected() bool { return u.connected.Load() }

// Stats returns a snapshot of the counters.
func (u *Uplink) Stats() Stats {
	u.mu.Lock()
	defer u.mu.Unlock()
	s := u.stats
	s.Epoch = u.epoch.Load()
	return s
}

// defaultAckTimeout bounds the wait for one PUBACK on a live connection.
const defaultAckTimeout = 2 * time.Minute

// stableAfter is how long a connection must last to reset the backoff.
const stableAfter = 10 * time.Second

// Run connects, drains the outbox and reconnects with backoff until ctx is
// done, then publishes the offline status, disconnects cleanly and returns
// nil. It returns an error only for an invalid Config.
func (u *Uplink) Run(ctx context.Context) error {
	cfg, err := u.cfg.withDefaults()
	if err != nil {
		return err
	}
	u.cfg = cfg
	u.log = u.log.With("broker", redact(cfg.Broker), "client_id", cfg.ClientID)
	bo := newBackoff(cfg.BackoffMin, cfg.BackoffMax)
	for ctx.Err() == nil {
		s := newSession(u)
		up, err := s.run(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			u.fail(err)
		}
		if up >= min(cfg.BackoffMax, stableAfter) {
			bo.reset()
		}
		d := bo.next()
		if err == nil {
			err = errors.New("uplink: connection ended")
		}
		u.down.failed(u.log, err, d, time.Now())
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
	return nil
}

// fail records err as the latest error.
func (u *Uplink) fail(err error) {
	u.mu.Lock()
	u.stats.LastError = err.Error()
	u.stats.LastErrorAt = time.Now()
	u.mu.Unlock()
}

// count applies f to the stats under the lock.
func (u *Uplink) count(f func(*Stats)) {
	u.mu.Lock()
	f(&u.stats)
	u.mu.Unlock()
}
