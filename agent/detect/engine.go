package detect

import (
	"maps"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Engine correlates a lane's events and decides alerts. It is a pure
// function of the events it is given and the clock it is told: it does no
// I/O, starts no goroutine and reads no clock. It is not safe for
// concurrent use. Events must not be changed after Observe.
type Engine struct {
	cfg      Config
	rules    []rule
	clock    time.Time
	resumeAt time.Time // alerts that happened before it are not reported
	seq      uint64
	pays     []*payment
	recs     []*receipt
	printers []*printer // sorted by device name
	seen     map[string]time.Time
	out      []Alert
}

// New returns an engine for cfg; zero fields take their defaults.
func New(cfg Config) *Engine {
	cfg = cfg.normalized()
	return &Engine{cfg: cfg, rules: newRules(cfg), seen: map[string]time.Time{}}
}

// Horizon is how far back a restart must replay the journal to rebuild
// the state behind every decision still to come: the look-back a decision
// needs (two match windows) plus the longest delay from an event to a
// decision about it. State older than the horizon is dropped.
func (e *Engine) Horizon() time.Duration { return e.cfg.lookback() + e.cfg.maxDelay() }

// Resume prepares a fresh engine to take over from one that stopped (a
// restart): the events it is about to be given start at from (normally
// the last journaled event's time minus Horizon) and everything that
// happened before from plus the look-back was already decided by the
// previous engine. Alerts about such events are not reported again,
// because the new engine lacks the history to decide them the same way.
// To carry the printer state across, give it each printer's last status
// from before from first.
func (e *Engine) Resume(from time.Time) { e.resumeAt = from.Add(e.cfg.lookback()) }

// Observe ingests one event: it first decides what fell due up to the
// event's time, then takes the event in. Receipts, payments and printer
// statuses are used; other events are ignored. An event seen before
// (same EventID, within the horizon) is ignored, so overlapping replays
// do no harm.
func (e *Engine) Observe(ev drivers.Event) []Alert {
	e.out = nil
	switch v := ev.(type) {
	case *drivers.Payment:
		if v != nil {
			e.tick(v.Time)
			if id, ok := e.fresh(v); ok {
				e.addPayment(v, id)
			}
		}
	case *drivers.Receipt:
		if v != nil {
			e.tick(v.Time)
			if id, ok := e.fresh(v); ok {
				e.addReceipt(v, id)
			}
		}
	case *drivers.PrinterStatus:
		if v != nil {
			e.tick(v.Time)
			if id, ok := e.fresh(v); ok {
				e.addStatus(v, id)
			}
		}
	}
	return e.take()
}

// fresh returns an event's id and whether it was not seen before.
func (e *Engine) fresh(ev drivers.Event) (string, bool) {
	id := EventID(ev)
	if _, dup := e.seen[id]; dup {
		return id, false
	}
	e.seen[id] = ev.When()
	return id, true
}

// Advance tells the engine the clock reached now (and that every event up
// to now was observed): it decides what is due and drops old state.
func (e *Engine) Advance(now time.Time) []Alert {
	e.out = nil
	e.tick(now)
	e.prune()
	return e.take()
}

// Flush ends the input (end of a replay): every pending window expires
// now, in the order it would have.
func (e *Engine) Flush() []Alert {
	e.out = nil
	e.runDue(time.Time{}, true)
	e.prune()
	return e.take()
}

// tick moves the clock forward to t and decides what is due by then.
func (e *Engine) tick(t time.Time) {
	if t.After(e.clock) {
		e.clock = t
	}
	e.runDue(t, false)
}

func (e *Engine) take() []Alert {
	out := e.out
	e.out = nil
	return out
}

func (e *Engine) next() uint64 {
	e.seq++
	return e.seq
}

// dueKind orders decisions falling due at the same instant.
type dueKind uint8

const (
	dueConfirm dueKind = iota // a job's StatusGrace is over
	dueClose                  // a card receipt's match window is over
	dueWait                   // a payment's ReceiptWait is over
)

type dueItem struct {
	at   time.Time
	kind dueKind
	seq  uint64
	rec  *receipt
	pay  *payment
}

func (d dueItem) before(o dueItem) bool {
	if !d.at.Equal(o.at) {
		return d.at.Before(o.at)
	}
	if d.kind != o.kind {
		return d.kind < o.kind
	}
	return d.seq < o.seq
}

// nextDue returns the earliest pending decision.
func (e *Engine) nextDue() (dueItem, bool) {
	var best dueItem
	found := false
	consider := func(d dueItem) {
		if !found || d.before(best) {
			best, found = d, true
		}
	}
	for _, r := range e.recs {
		switch r.state {
		case recPending:
			consider(dueItem{at: r.at.Add(e.cfg.StatusGrace), kind: dueConfirm, seq: r.seq, rec: r})
		case recOpen:
			consider(dueItem{at: r.at.Add(e.cfg.MatchWindow), kind: dueClose, seq: r.seq, rec: r})
		}
	}
	for _, p := range e.pays {
		if p.pending() {
			consider(dueItem{at: p.due, kind: dueWait, seq: p.seq, pay: p})
		}
	}
	return best, found
}

// runDue decides, in order, everything due at or before limit (all of it
// when all is set).
func (e *Engine) runDue(limit time.Time, all bool) {
	for {
		d, ok := e.nextDue()
		if !ok || (!all && d.at.After(limit)) {
			return
		}
		switch d.kind {
		case dueConfirm:
			e.confirm(d.rec)
		case dueClose:
			e.fire(trigger{on: onClose, rec: d.rec})
			if d.rec.state == recOpen {
				d.rec.state = recClosed
			}
		case dueWait:
			e.fire(trigger{on: onDue, pay: d.pay})
			if !d.pay.due.After(d.at) { // not deferred by a rule
				d.pay.waitDone = true
			}
		}
	}
}

// prune drops settled state older than the horizon.
func (e *Engine) prune() {
	cutoff := e.clock.Add(-e.Horizon())
	e.pays = slices.DeleteFunc(e.pays, func(p *payment) bool { return p.at.Before(cutoff) && !p.pending() })
	e.recs = slices.DeleteFunc(e.recs, func(r *receipt) bool { return r.at.Before(cutoff) && !r.pending() })
	for _, p := range e.printers {
		p.trim(cutoff)
	}
	maps.DeleteFunc(e.seen, func(_ string, at time.Time) bool { return at.Before(cutoff) })
}

// emit completes a rule's finding and reports it, unless it happened
// before the resume point.
func (e *Engine) emit(f finding) {
	a := f.alert
	if !e.resumeAt.IsZero() && a.Time.Before(e.resumeAt) {
		return
	}
	a.Site, a.Lane = e.cfg.Site, e.cfg.Lane
	a.ID = alertID(a.Site, a.Lane, a.Kind, a.State, f.evidence)
	a.Incident = alertID(a.Site, a.Lane, a.Kind, "", f.evidence)
	a.Detected = e.clock
	e.out = append(e.out, a)
}

// fire runs every rule on a trigger, in registration order.
func (e *Engine) fire(t trigger) {
	for _, r := range e.rules {
		for _, f := range r.check(e, t) {
			e.emit(f)
		}
	}
}
