package detect

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Pairing a receipt with a sale of another amount is a claim that they
// are one checkout. ARCHITECTURE.md ("Detection semantics"): pairing
// prefers the explanation that leaves the fewest unexplained events and
// follows the lane's order; a receipt printed well before an unrelated
// payment, its own payment lost, is receipt_without_payment plus
// payment_without_receipt, not a mismatch. A register serves one customer
// at a time, so a sale is unrelated to a receipt (it cannot be that
// receipt's payment) when:
//
//   - the sale came first and a whole other card checkout lies between
//     them: a receipt printed between the two was matched or paired with
//     sales all approved after this one. (Any other job between them may
//     be this sale's own slip or a coupon: it proves nothing.)
//   - the receipt printed first (beyond the clock skew) and another
//     checkout's receipt printed between them: a job with money on it (a
//     total, an amount due or a tender line), not a reprint, not the same
//     receipt number;
//   - the receipt printed first and the lane prints its receipts after the
//     payment: at least orderMin of the last orderKeep exact matches were
//     made and none of them had its receipt first;
//   - the receipt printed first and the printer was faulted when the sale
//     was approved: the sale's missing receipt has its own cause;
//   - the sale's own receipt job printed after it and failed (a failed job
//     with exactly its amount): its missing receipt has its own cause;
//   - the line that would carry a missing half was damaged between them
//     (printer data after the sale and before the receipt's job, a
//     terminal frame after the sale and before the receipt; a terminal
//     frame after the receipt and before a later sale): the missing half
//     may sit in the damaged bytes (see damage.go).

// orderKeep is how many recent exact matches the lane's order is learnt
// from, and orderMin how many it takes before the order counts.
const (
	orderKeep = 20
	orderMin  = 10
)

// laneOrder remembers, for the last exact matches, whether the receipt
// printed before its payment.
type laneOrder struct {
	first [orderKeep]bool // receipt first, per match, ring
	n     int             // matches seen (capped at orderKeep)
	next  int
}

// note records one exact match.
func (o *laneOrder) note(receiptFirst bool) {
	o.first[o.next] = receiptFirst
	o.next = (o.next + 1) % orderKeep
	o.n = min(o.n+1, orderKeep)
}

// receiptFirsts counts the recent matches whose receipt printed first.
func (o *laneOrder) receiptFirsts() int {
	c := 0
	for i := range o.n {
		if o.first[i] {
			c++
		}
	}
	return c
}

// paymentFirst reports whether the lane is known to print receipts after
// the payment.
func (o *laneOrder) paymentFirst() bool { return o.n >= orderMin && o.receiptFirsts() == 0 }

// noteMatch learns the lane's order from an exact match.
func (e *Engine) noteMatch(r *receipt, set []*payment) {
	first := set[0].at
	for _, p := range set[1:] {
		if p.at.Before(first) {
			first = p.at
		}
	}
	e.order.note(e.receiptFirst(r, first))
}

// receiptFirst reports whether a receipt printed before a payment at t,
// beyond the clock skew.
func (e *Engine) receiptFirst(r *receipt, t time.Time) bool {
	return r.at.Add(e.cfg.ClockSkew).Before(t)
}

// related reports whether a sale may be the payment of a receipt of
// another amount (see the rules above).
func (e *Engine) related(r *receipt, p *payment) bool {
	if e.failedReceiptOf(p) != nil {
		return false // its own receipt job printed and failed
	}
	if !e.receiptFirst(r, p.at) {
		if p.at.Before(r.start) {
			if _, ok := e.damagedDuring(RolePrinter, p.at, r.start); ok {
				return false // the sale's own receipt may sit in the damage
			}
		}
		if p.at.Add(txnTail).Before(r.at) {
			if _, ok := e.damagedDuring(RoleTerminal, p.at.Add(txnTail), r.at); ok {
				return false // the receipt's own payment may sit in the damage
			}
		}
		return !e.checkoutBetween(p, r)
	}
	if _, ok := e.damagedDuring(RoleTerminal, r.at, p.at); ok {
		return false // the receipt's own payment may sit in the damage
	}
	return !e.otherReceiptBetween(r, p.at) && !e.order.paymentFirst() && !e.faultedAt(p.at)
}

// txnTail is how long after a sale's result its own exchange goes on (the
// terminal's completion, the acknowledgements): damage within it is not
// another sale's.
const txnTail = 1500 * time.Millisecond

// failedReceiptOf returns a job that failed to print, with exactly a
// sale's amount on it, printed after the sale within the match window: the
// sale's own receipt, which did not print.
func (e *Engine) failedReceiptOf(p *payment) *receipt {
	for _, r := range e.recs {
		if r.state == recFailed && !r.reprint && r.card > 0 && e.equal(r.card, p.ev.Amount) &&
			!r.at.Before(p.at.Add(-e.cfg.ClockSkew)) && e.within(r.at, p.at) {
			return r
		}
	}
	return nil
}

// checkoutBetween reports whether a receipt printed between a sale and a
// later receipt was matched or paired with sales all approved after it.
func (e *Engine) checkoutBetween(p *payment, r *receipt) bool {
	for _, x := range e.recs {
		if x == r || len(x.pays) == 0 || !x.at.After(p.at) || !x.at.Before(r.at) {
			continue
		}
		if !slices.ContainsFunc(x.pays, func(q *payment) bool { return !q.at.After(p.at) }) {
			return true
		}
	}
	return false
}

// otherReceiptBetween reports whether another checkout's receipt printed
// strictly between a receipt and a later time t.
func (e *Engine) otherReceiptBetween(r *receipt, t time.Time) bool {
	for _, x := range e.recs {
		if x == r || x.reprint || !x.money || !x.at.After(r.at) || !x.at.Before(t) {
			continue
		}
		if x.evidence.Number != "" && x.evidence.Number == r.evidence.Number {
			continue // the same checkout printed again
		}
		return true
	}
	return false
}

// faultedAt reports whether a printer was faulted at t (the state in force
// then, or a fault reported within the clock skew after).
func (e *Engine) faultedAt(t time.Time) bool {
	for _, p := range e.printers {
		if _, _, ok := p.firstFault(t, t, t.Add(e.cfg.ClockSkew+time.Nanosecond)); ok {
			return true
		}
	}
	return false
}

// keyingSlip reports whether two amounts differ the way a keyed amount
// differs from the one meant: by a factor of 10 or 100 (a dropped or
// extra zero, a misplaced decimal point), one digit dropped, added or
// mistyped, or two neighbouring digits swapped.
func keyingSlip(a, b int64) bool {
	if a <= 0 || b <= 0 || a == b {
		return false
	}
	for _, f := range []int64{10, 100} {
		if a*f == b || b*f == a {
			return true
		}
	}
	x, y := strconv.FormatInt(a, 10), strconv.FormatInt(b, 10)
	if len(x) < len(y) {
		x, y = y, x
	}
	switch {
	case len(x) == len(y)+1: // one digit dropped
		for i := range x {
			if x[:i]+x[i+1:] == y {
				return true
			}
		}
	case len(x) == len(y):
		var diff []int
		for i := range x {
			if x[i] != y[i] {
				diff = append(diff, i)
			}
		}
		switch len(diff) {
		case 1:
			return true
		case 2:
			i, j := diff[0], diff[1]
			return j == i+1 && x[i] == y[j] && x[j] == y[i]
		}
	}
	return false
}

// pairConfidence grades a mismatch pairing and says, in a sentence to
// append to the summary, what makes it less than sure. Doubts: the receipt
// printed before the payment on a lane not seen printing receipts first;
// other sales could have been paired instead (cands related candidates in
// all). A keying slip between the amounts (see keyingSlip) outweighs one
// doubt. No doubt left is high, one medium, more low.
func (e *Engine) pairConfidence(r *receipt, group []*payment, sum int64, cands int) (Confidence, string) {
	var doubts []string
	last := group[0].at
	for _, p := range group[1:] {
		if p.at.After(last) {
			last = p.at
		}
	}
	if e.receiptFirst(r, last) && e.order.receiptFirsts() == 0 {
		doubts = append(doubts, "the receipt printed "+last.Sub(r.at).Round(time.Second).String()+" before the payment")
	}
	if n := cands - len(group); n > 0 {
		what := "another card payment"
		if n > 1 {
			what = strconv.Itoa(n) + " other card payments"
		}
		doubts = append(doubts, what+" in the window could be its payment")
	}
	score := len(doubts)
	if keyingSlip(sum, r.card) {
		score--
	}
	switch {
	case score <= 0:
		return High, ""
	case score == 1:
		return Medium, " Likely one checkout, but " + joinAnd(doubts) + "."
	}
	return Low, " Possibly not one checkout: " + joinAnd(doubts) + "."
}

// joinAnd joins clauses with "and".
func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
