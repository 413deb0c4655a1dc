package detect

import (
	"cmp"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// rtState is where an approved terminal refund or void stands.
type rtState uint8

const (
	rtOpen    rtState = iota // waiting for the register's refund receipt
	rtMatched                // a refund receipt of its amount printed
	rtSettled                // needs no receipt: voided an unreceipted sale, or undid a duplicate charge
	rtOrphan                 // names a sale the journal does not have
	rtClosed                 // its wait is over without a receipt
	rtPaired                 // paired with a refund receipt of another amount (amount_mismatch)
)

// refundTx is an approved refund or void on the terminal: money going back
// to a card. The register must have a record of it (a refund receipt)
// unless it undoes a sale that never got a receipt.
type refundTx struct {
	seq   uint64
	id    string
	ev    drivers.Payment
	at    time.Time
	due   time.Time
	state rtState
	orig  *entry // the sale it names, when found
	rec   *receipt
}

// addRefund takes in an approved refund or void. A void cancels the sale
// it names: one still without a receipt needs nothing more; one that was
// receipted needs a refund receipt, like a refund. A void or refund that
// names a sale the ledger lacks is an orphan (refund_without_sale at
// once). A refund or void that undoes a duplicate charge needs no receipt
// and resolves it.
func (e *Engine) addRefund(v *drivers.Payment, id string) {
	rt := &refundTx{seq: e.next(), id: id, ev: *v, at: v.Time, due: v.Time.Add(e.cfg.wait())}
	e.refunds = append(e.refunds, rt)
	named := v.OriginalReceipt != "" || v.OriginalTrace != ""
	rt.orig = e.ledger.original(v)
	if v.Type == drivers.PayRefund {
		e.ledger.add(v, id)
	}
	if p := e.dupFor(rt); p != nil {
		rt.state = rtSettled
		if v.Type == drivers.PayVoid {
			e.cancelPayment(p)
			if rt.orig != nil {
				rt.orig.cancelled = true
			}
		}
		e.fire(trigger{on: onCancel, pay: p})
		return
	}
	switch {
	case named && rt.orig == nil:
		rt.state = rtOrphan
	case v.Type == drivers.PayVoid && rt.orig != nil:
		if rt.orig.cancelled {
			rt.state = rtSettled // voided twice: the first void counts
			break
		}
		rt.orig.cancelled = true
		if p := e.paymentOf(rt.orig); p != nil && p.state == payOpen {
			e.cancelPayment(p)
			rt.state = rtSettled
			e.fire(trigger{on: onCancel, pay: p})
		}
	}
	if rt.state == rtOpen {
		e.matchRefund(rt)
	}
	e.fire(trigger{on: onRefund, rt: rt})
}

// paymentOf returns the tracked sale of a ledger entry, if still held.
func (e *Engine) paymentOf(en *entry) *payment {
	for _, p := range e.pays {
		if p.id == en.id {
			return p
		}
	}
	return nil
}

// cancelPayment marks an open sale as needing no receipt.
func (e *Engine) cancelPayment(p *payment) {
	if p.state == payOpen {
		p.state = payCancelled
		p.waitDone = true
	}
}

// refundCandidates returns the open refunds a refund receipt may match,
// nearest first.
func (e *Engine) refundCandidates(r *receipt) []*refundTx {
	var c []*refundTx
	for _, rt := range e.refunds {
		if rt.state != rtOpen || !e.within(rt.at, r.at) || !e.equal(rt.ev.Amount, r.refund) {
			continue
		}
		if r.currency != "" && rt.ev.Currency != "" && r.currency != rt.ev.Currency {
			continue
		}
		c = append(c, rt)
	}
	slices.SortFunc(c, func(a, b *refundTx) int {
		return cmp.Or(cmp.Compare(absDur(a.at, r.at), absDur(b.at, r.at)), cmp.Compare(a.seq, b.seq))
	})
	return c
}

// matchRefundReceipt matches a printed refund receipt with the nearest
// open terminal refund of its amount.
func (e *Engine) matchRefundReceipt(r *receipt) {
	if c := e.refundCandidates(r); len(c) > 0 {
		rt := c[0]
		rt.state, rt.rec, r.state = rtMatched, r, recRefundMatched
	}
}

// matchRefund matches a new terminal refund with the nearest open refund
// receipt of its amount.
func (e *Engine) matchRefund(rt *refundTx) {
	var rs []*receipt
	for _, r := range e.recs {
		if r.state == recRefundOpen && e.within(r.at, rt.at) && e.equal(rt.ev.Amount, r.refund) &&
			(r.currency == "" || rt.ev.Currency == "" || r.currency == rt.ev.Currency) {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *receipt) int {
		return cmp.Or(cmp.Compare(absDur(a.at, rt.at), absDur(b.at, rt.at)), cmp.Compare(a.seq, b.seq))
	})
	if len(rs) > 0 {
		rt.state, rt.rec, rs[0].state = rtMatched, rs[0], recRefundMatched
	}
}

// undecidedRefundReceipt returns when the last refund receipt in a
// refund's window that is still undecided (within StatusGrace) will be.
func (e *Engine) undecidedRefundReceipt(rt *refundTx) (time.Time, bool) {
	var until time.Time
	found := false
	for _, r := range e.recs {
		if r.state != recPending || r.refund <= 0 || r.reprint || !e.within(r.at, rt.at) {
			continue
		}
		if at := r.at.Add(e.cfg.StatusGrace); !found || at.After(until) {
			until, found = at, true
		}
	}
	return until, found
}
