package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
)

// Store-and-forward around the outbox.
//
// The outbox (buffer.Queue) sheds by the policy of configs.Outbox: info
// alerts first, then warnings, never critical ones for the byte capacity.
// When the disk is truly full (below outbox.min_free_bytes) nothing can
// be written: the journal append is skipped (logged, detection goes on
// from memory) and alerts are held in memory, oldest first, and stored as
// soon as there is room again. Only if more than maxHeld alerts pile up
// does the agent drop one, the lowest severity first: that is the only
// way a critical alert can be lost, and it is counted in the health
// message (buffer_shed, buffer.memory_shed).

// openDB opens the database, moving a damaged one aside (the agent never
// refuses to start over a corrupt file), and sets the outbox's limits.
func openDB(cfg *configs.Config, log *slog.Logger) (*buffer.DB, error) {
	opts := buffer.DefaultOptions()
	opts.MinFreeBytes = cfg.Outbox.MinFreeBytes
	db, _, err := buffer.OpenOrRecover(cfg.DataDir, opts, log)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	db.Queue("outbox").SetLimits(buffer.Limits{MaxBytes: cfg.Outbox.MaxBytes, MaxAge: cfg.Outbox.MaxAge})
	return db, nil
}

// store puts one alert in the outbox, behind any held ones. It returns
// whether the alert is new (stored or held); errors it cannot hold are
// returned.
func (a *Agent) store(id string, class buffer.Class, value []byte) (bool, error) {
	if a.holding() {
		a.holdAlert(heldAlert{id: id, class: class, value: value})
		return true, nil
	}
	added, err := a.outbox.Put(id, class, value)
	switch {
	case err == nil:
		return added, nil
	case errors.Is(err, buffer.ErrShed):
		a.log.Warn("alert shed: outbox over its byte capacity", "id", id, "severity", class, "error", err)
		return false, nil
	case errors.Is(err, buffer.ErrClosed):
		return false, fmt.Errorf("agent: outbox: %w", err)
	}
	a.diskFull("outbox", err)
	a.holdAlert(heldAlert{id: id, class: class, value: value})
	return true, nil
}

func (a *Agent) holding() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.hold.items) > 0
}

func (a *Agent) holdAlert(h heldAlert) {
	a.mu.Lock()
	dropped, ok := a.hold.add(h)
	a.mu.Unlock()
	if ok {
		a.log.Error("alert lost: disk full and too many alerts held in memory", "id", dropped.id, "severity", dropped.class, "held", maxHeld)
	}
}

// retryHeld stores held alerts, oldest first, until the outbox refuses
// again.
func (a *Agent) retryHeld() {
	n := 0
	for {
		a.mu.Lock()
		if len(a.hold.items) == 0 {
			a.mu.Unlock()
			break
		}
		h := a.hold.items[0]
		a.mu.Unlock()
		_, err := a.outbox.Put(h.id, h.class, h.value)
		if err != nil && !errors.Is(err, buffer.ErrShed) {
			return // still no room; the next round tries again
		}
		a.mu.Lock()
		a.hold.items = a.hold.items[1:]
		a.mu.Unlock()
		n++
	}
	if n > 0 {
		a.log.Warn("disk has room again: held alerts stored in the outbox", "alerts", n)
		a.fullSince = time.Time{}
	}
}

// diskFull logs a write refused for lack of space, once a minute at most.
func (a *Agent) diskFull(what string, err error) {
	now := time.Now()
	if a.fullSince.IsZero() {
		a.fullSince = now
	}
	if now.Sub(a.fullLogged) < time.Minute {
		return
	}
	a.fullLogged = now
	a.log.Error("disk full: "+what+" not written; alerts are held in memory until there is room",
		"since", a.fullSince, "error", err)
}

// upkeep expires old outbox entries and logs what the outbox shed, every
// minute (or health interval, if shorter), until ctx is done.
func (a *Agent) upkeep(ctx context.Context) error {
	every := time.Minute
	if hi := a.cfg.MQTT.HealthInterval; hi > 0 && hi < every {
		every = hi
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var last buffer.ShedCounts
	if st, err := a.outbox.Stats(); err == nil {
		last = st.Shed
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if n, err := a.outbox.Expire(); err != nil {
			a.log.Warn("outbox: expire", "error", err)
		} else if n > 0 {
			a.log.Warn("outbox: undelivered alerts dropped for their age", "alerts", n, "max_age", a.cfg.Outbox.MaxAge)
		}
		st, err := a.outbox.Stats()
		if err != nil {
			a.log.Warn("outbox: stats", "error", err)
			continue
		}
		if st.Shed != last {
			a.log.Warn("outbox over its byte capacity: alerts shed (info first, then warning)",
				"info", st.Shed.Info-last.Info, "warning", st.Shed.Warning-last.Warning,
				"total_shed", st.Shed.Total(), "max_bytes", a.cfg.Outbox.MaxBytes)
			last = st.Shed
		}
	}
}
