package detect

import (
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Engine correlates a lane's events and decides alerts. It is a pure
// function of the events it is given and the clock it is told: it does no
// I/O, starts no goroutine and reads no clock. It is not safe for
// concurrent use. Events must not be changed after Observe.
type Engine struct {
	cfg       Config
	rules     []rule
	clock     time.Time
	resumeAt  time.Time // alerts that happened before it are not reported
	seq       uint64
	pays      []*payment
	recs      []*receipt
	refunds   []*refundTx // approved terminal refunds and voids
	printers  []*printer  // sorted by device name
	links     []*link     // sorted by device name
	roles     map[string]string
	ledger    ledger
	order     laneOrder     // whether the lane prints receipts before or after payments
	damage    []*damageSpan // damage on the line, per device (see damage.go)
	selfCheck selfCheck     // whether the lane's receipts add up
	readable  selfCheck     // whether the lane's jobs carry something the profile reads
	first     time.Time     // the first event's time: what came before was not seen
	seen      map[string]time.Time
	seenAt    seenHeap // the ids in seen by time, earliest first (see pruneSeen)
	idBuf     []byte   // memory in which events are encoded for their ids

	// What runDue last found next (see runDue): when dueKnown, no decision
	// is pending before dueAt, or none at all when dueNone.
	dueKnown, dueNone bool
	dueAt             time.Time
	// When pruneKnown, prune has nothing to drop before the clock reaches
	// pruneAt (see prune).
	pruneKnown bool
	pruneAt    time.Time
	out        []Alert
	cashier    string // who rang the lane's last receipt that named one

	// No payment in pays, no receipt in recs is older than these: prune
	// walks a list only when something in it may be old enough to go.
	paysMin, recsMin time.Time
}

// New returns an engine for cfg; zero fields take their defaults.
func New(cfg Config) *Engine {
	cfg = cfg.normalized()
	return &Engine{cfg: cfg, rules: newRules(cfg), roles: cfg.Roles, seen: map[string]time.Time{}, ledger: newLedger()}
}

// Horizon is how far back a restart must replay the journal to rebuild
// the state behind every decision still to come: the settlement window
// (the approved payments a terminal's end-of-day is reconciled against),
// or, if longer, the look-back a decision needs (two match windows, or the
// duplicate window) plus the longest delay from an event to a decision
// about it. Detailed state older than that short horizon is dropped; the
// settlement ledger keeps one small entry per payment for the window.
func (e *Engine) Horizon() time.Duration { return max(e.cfg.shortHorizon(), e.cfg.SettlementWindow) }

// Resume prepares a fresh engine to take over from one that stopped (a
// restart): the events it is about to be given start at from, which must
// be the last journaled event's time minus Horizon. Everything that
// happened before the last event minus the short horizon plus the
// look-back was decided by the previous engine and is not reported again,
// because the new engine lacks the history to decide it the same way; the
// older events only rebuild the settlement ledger and the link states. To
// carry the printer state across, give it each printer's last status from
// before from first.
func (e *Engine) Resume(from time.Time) {
	e.resumeAt = from.Add(e.Horizon() - e.cfg.shortHorizon() + e.cfg.lookback())
}

// Observe ingests one event: it first decides what fell due up to the
// event's time, then takes the event in. Receipts, payments and printer
// statuses are used; other events are ignored. An event seen before
// (same EventID, within the horizon) is ignored, so overlapping replays
// do no harm.
func (e *Engine) Observe(ev drivers.Event) []Alert {
	e.out = nil
	if ev != nil && e.first.IsZero() {
		e.first = ev.When()
	}
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
			if v.Cashier != "" && !v.Reprint {
				e.cashier = v.Cashier
			}
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
	case *drivers.Settlement:
		if v != nil {
			e.tick(v.Time)
			if id, ok := e.fresh(v); ok {
				e.addSettlement(v, id)
			}
		}
	case *drivers.Link:
		if v != nil {
			e.tick(v.Time)
			if id, ok := e.fresh(v); ok {
				e.addLink(v, id)
			}
		}
	case *drivers.Damage:
		if v != nil && !e.cfg.IgnoreDamage {
			e.tick(v.Time)
			if _, ok := e.fresh(v); ok {
				e.addDamage(v)
			}
		}
	}
	e.dueKnown, e.pruneKnown = false, false // what it added may fall due or expire
	return e.take()
}

// fresh returns an event's id and whether it was not seen before.
func (e *Engine) fresh(ev drivers.Event) (string, bool) {
	var id string
	id, e.idBuf = appendEventID(e.idBuf, ev)
	if _, dup := e.seen[id]; dup {
		return id, false
	}
	at := ev.When()
	e.seen[id] = at
	e.seenAt.push(seenID{at: at, id: id})
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
	dueRefund                 // a terminal refund's ReceiptWait is over
)

type dueItem struct {
	at   time.Time
	kind dueKind
	seq  uint64
	rec  *receipt
	pay  *payment
	rt   *refundTx
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
		if r.printing {
			consider(dueItem{at: r.at.Add(e.cfg.StatusGrace), kind: dueConfirm, seq: r.seq, rec: r})
			continue
		}
		switch r.state {
		case recPending:
			consider(dueItem{at: r.at.Add(e.cfg.StatusGrace), kind: dueConfirm, seq: r.seq, rec: r})
		case recOpen, recRefundOpen:
			consider(dueItem{at: r.at.Add(e.cfg.window()), kind: dueClose, seq: r.seq, rec: r})
		}
	}
	for _, p := range e.pays {
		if p.pending() {
			consider(dueItem{at: p.due, kind: dueWait, seq: p.seq, pay: p})
		}
	}
	for _, rt := range e.refunds {
		if rt.state == rtOpen {
			consider(dueItem{at: rt.due, kind: dueRefund, seq: rt.seq, rt: rt})
		}
	}
	return best, found
}

// runDue decides, in order, everything due at or before limit (all of it
// when all is set). It keeps what it found next: until Observe takes an
// event in, only runDue's own decisions change what is pending (prune
// drops only what is decided), so a later call with a limit before it has
// nothing to do and does not walk the lists (Advance runs for every
// capture record, a few times an event).
func (e *Engine) runDue(limit time.Time, all bool) {
	if !all && e.dueKnown && (e.dueNone || e.dueAt.After(limit)) {
		return
	}
	for {
		d, ok := e.nextDue()
		if !ok || (!all && d.at.After(limit)) {
			e.dueKnown, e.dueNone, e.dueAt = true, !ok, d.at
			return
		}
		e.pruneKnown = false // a decision may change what prune drops
		switch d.kind {
		case dueConfirm:
			e.confirm(d.rec)
		case dueClose:
			e.fire(trigger{on: onClose, rec: d.rec})
			if d.rec.state == recOpen || d.rec.state == recRefundOpen {
				d.rec.state = recClosed
			}
		case dueWait:
			p := d.pay
			if until, ok := e.undecidedReceipt(p); ok && until.After(p.due) && p.state == payOpen && !p.alerted {
				p.due = until // a receipt that may be its own is still undecided
				continue
			}
			e.fire(trigger{on: onDue, pay: p})
			p.waitDone = true
		case dueRefund:
			rt := d.rt
			if until, ok := e.undecidedRefundReceipt(rt); ok && until.After(rt.due) {
				rt.due = until
				continue
			}
			e.fire(trigger{on: onRefundDue, rt: rt})
			if rt.state == rtOpen {
				rt.state = rtClosed
			}
		}
	}
}

// minTime is the earlier of two times.
func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// prune drops settled state older than the horizon. It then notes the
// earliest time anything left could be old enough to go, and until the
// clock reaches it, or an event or a decision changes the state, it has
// nothing to do (Advance runs for every capture record).
func (e *Engine) prune() {
	if e.pruneKnown && e.clock.Before(e.pruneAt) {
		return
	}
	short, long := e.cfg.shortHorizon(), e.Horizon()
	settle := e.cfg.SettlementWindow + e.cfg.ClockSkew
	cutoff := e.clock.Add(-short)
	if e.paysMin.Before(cutoff) {
		e.pays = slices.DeleteFunc(e.pays, func(p *payment) bool { return p.at.Before(cutoff) && !p.pending() })
		e.paysMin = oldest(e.pays, func(p *payment) time.Time { return p.at })
	}
	if e.recsMin.Before(cutoff) {
		e.recs = slices.DeleteFunc(e.recs, func(r *receipt) bool { return r.at.Before(cutoff) && !r.pending() })
		e.recsMin = oldest(e.recs, func(r *receipt) time.Time { return r.at })
	}
	e.refunds = slices.DeleteFunc(e.refunds, func(rt *refundTx) bool { return rt.at.Before(cutoff) && rt.state != rtOpen })
	for _, p := range e.printers {
		p.trim(cutoff)
	}
	for _, l := range e.links {
		l.trim(e.clock.Add(-long))
	}
	e.trimDamage(e.clock.Add(-long))
	e.ledger.trim(e.clock.Add(-settle))
	e.pruneSeen(cutoff)
	e.pruneAt, e.pruneKnown = e.nextPrune(short, long, settle), true
}

// nextPrune is the earliest clock at which prune may drop something: the
// oldest time of each kind of state plus how long that kind is kept. It is
// never later than that (an item still pending is kept longer).
func (e *Engine) nextPrune(short, long, settle time.Duration) time.Time {
	var at time.Time
	set := false
	consider := func(t time.Time, keep time.Duration) {
		if t = t.Add(keep); !set || t.Before(at) {
			at, set = t, true
		}
	}
	if len(e.pays) > 0 {
		consider(e.paysMin, short)
	}
	if len(e.recs) > 0 {
		consider(e.recsMin, short)
	}
	for _, rt := range e.refunds {
		consider(rt.at, short)
	}
	for _, p := range e.printers {
		if len(p.hist) > 1 {
			consider(p.hist[1].at, short)
		}
	}
	for _, l := range e.links {
		for _, sp := range l.spans {
			if !sp.to.IsZero() {
				consider(sp.to, long)
			}
		}
	}
	for _, d := range e.damage {
		consider(d.to, long)
	}
	if len(e.ledger.entries) > 0 {
		consider(e.ledger.entries[0].at, settle)
	}
	for _, st := range e.ledger.settles {
		consider(st.at, settle)
	}
	if len(e.seenAt) > 0 {
		consider(e.seenAt[0].at, short)
	}
	if !set {
		return e.clock.Add(short) // nothing kept: nothing to drop before an event
	}
	return at
}

// oldest returns the earliest time of the list's items, the zero time for
// an empty list.
func oldest[T any](list []T, at func(T) time.Time) time.Time {
	var min time.Time
	for i, x := range list {
		if t := at(x); i == 0 || t.Before(min) {
			min = t
		}
	}
	return min
}

// pruneSeen forgets the event ids seen before cutoff. A heap of the ids
// by time (seenheap.go) finds them without walking the map (prune runs on every Advance,
// a busy lane's map holds the ids of a whole window, and an id expires
// about every event). An id forgotten and seen again has two heap
// entries: the older one, whose time is not the map's, deletes nothing.
func (e *Engine) pruneSeen(cutoff time.Time) {
	for len(e.seenAt) > 0 && e.seenAt[0].at.Before(cutoff) {
		old := e.seenAt.pop()
		if at, ok := e.seen[old.id]; ok && at.Equal(old.at) {
			delete(e.seen, old.id)
		}
	}
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
	a.Cashier = e.cashierOf(&a)
	e.out = append(e.out, a)
}

// cashierOf names who rang the checkout an alert is about: the cashier its
// receipt printed, else, for a payment without a receipt of its own, the
// cashier of the lane's last receipt that named one. Printer, link and
// settlement alerts are about no checkout.
func (e *Engine) cashierOf(a *Alert) string {
	switch {
	case a.Receipt != nil && a.Receipt.cashier != "":
		return a.Receipt.cashier
	case a.Receipt == nil && a.Payment != nil:
		return e.cashier
	}
	return ""
}

// fire runs every rule on a trigger, in registration order.
func (e *Engine) fire(t trigger) {
	for _, r := range e.rules {
		for _, f := range r.check(e, t) {
			e.emit(f)
		}
	}
}
