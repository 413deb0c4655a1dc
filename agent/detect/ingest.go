package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// addPayment takes in a terminal result. Approved sales are tracked and
// matched; an approved void or reversal cancels its original sale;
// declined and aborted results and other types move no money here.
func (e *Engine) addPayment(v *drivers.Payment, id string) {
	e.learnRole(v.Device, RoleTerminal)
	if v.Result != drivers.Approved {
		return
	}
	switch v.Type {
	case drivers.PayVoid, drivers.PayRefund:
		e.addRefund(v, id)
		return
	case drivers.PayCapture:
		e.ledger.add(v, id)
		return
	case drivers.PaySale:
		e.ledger.add(v, id)
	default:
		return
	}
	p := &payment{seq: e.next(), id: id, ev: *v, at: v.Time}
	p.due = p.at.Add(e.cfg.wait())
	if len(e.pays) == 0 || p.at.Before(e.paysMin) {
		e.paysMin = p.at
	}
	e.pays = append(e.pays, p)
	e.matchPayment(p)
	e.fire(trigger{on: onPayment, pay: p})
}

// addReceipt takes in a print job. A job that surely failed (never cut,
// unconfirmed, unanswered, or its printer faulted at its start or during
// it) is decided at once. A card receipt sent complete with no exact
// match is paired at once (pairSent). Whether the job printed is decided
// once StatusGrace is over, since a fault reported until then still fails
// it, or at once when such a fault is known already (reported while the
// decoder held the receipt). Receipts from a terminal (its card slips) are
// not the register's receipts and are ignored.
func (e *Engine) addReceipt(v *drivers.Receipt, id string) {
	if e.role(v.Device) == RoleTerminal {
		return
	}
	e.learnRole(v.Device, RolePrinter)
	r := newReceipt(&e.cfg, v, id, e.next())
	if len(e.recs) == 0 || r.at.Before(e.recsMin) {
		e.recsMin = r.at
	}
	e.recs = append(e.recs, r)
	e.checkReceipt(v, r)
	if e.surelyFailed(r) {
		e.confirm(r)
		return
	}
	if e.resendOf(r) != nil {
		r.reprint = true // the same checkout printed again: it needs no payment of its own
	}
	e.pairSent(r)
	if e.faultedAfterCut(r) {
		e.confirm(r)
	}
}

// pairSent decides amount_mismatch for a card receipt as soon as it
// arrives, when its sale came first (see amountMismatch): a job sent
// complete (cut, no fault at its start or during it) is the register's
// word on what the customer owed. A fault after its cut says the paper
// may not have come out, not that the amount was another: it fails the
// job (print_failed) and leaves the pairing, and with it the
// amount_mismatch's evidence and id, as they are. So nothing a later
// status says changes the mismatch, and it need not wait StatusGrace. A
// receipt with an exact match among the sales seen waits as before: a
// fault after its cut leaves its sale without a receipt
// (payment_without_receipt), so a later status can still change that.
func (e *Engine) pairSent(r *receipt) {
	if r.card <= 0 || r.reprint || e.exactSet(r, e.candidates(r)) != nil {
		return
	}
	r.state = recOpen
	e.fire(trigger{on: onSent, rec: r})
	if r.state == recPaired {
		r.printing = true
		return
	}
	r.state = recPending
}

// faultedAfterCut reports whether a fault after a job's cut, within
// StatusGrace, is known already.
func (e *Engine) faultedAfterCut(r *receipt) bool {
	p := e.printer(r.dev, false)
	if p == nil {
		return false
	}
	until := minTime(e.clock.Add(time.Nanosecond), r.at.Add(e.cfg.StatusGrace))
	_, _, ok := p.firstFault(r.start, r.at, until)
	return ok
}

// resendOf returns the failed job a card receipt prints again: a job with
// the same receipt number and card amount, paired when it arrived and
// failed by a fault after its cut, within the match window before it.
func (e *Engine) resendOf(r *receipt) *receipt {
	if r.card <= 0 || r.evidence.Number == "" {
		return nil
	}
	for _, x := range e.recs {
		if x != r && x.state == recFailed && len(x.pays) > 0 && x.evidence.Number == r.evidence.Number &&
			x.card == r.card && !x.at.After(r.at) && e.within(x.at, r.at) {
			return x
		}
	}
	return nil
}

// surelyFailed reports whether a job that just arrived failed whatever
// comes later.
func (e *Engine) surelyFailed(r *receipt) bool {
	if !r.cut || r.unconfirmed || r.unanswered {
		return true
	}
	p := e.printer(r.dev, false)
	if p == nil {
		return false
	}
	_, _, ok := p.firstFault(r.start, r.at, r.at.Add(time.Nanosecond))
	return ok
}

// addStatus updates a printer's state. A fault fails at once the jobs of
// that printer still within StatusGrace that it falls in.
func (e *Engine) addStatus(v *drivers.PrinterStatus, id string) {
	e.learnRole(v.Device, RolePrinter)
	p := e.printer(v.Device, true)
	p.apply(v)
	e.fire(trigger{on: onStatus, prn: p, status: v, statusID: id})
	if !p.cur.Fault() {
		return
	}
	for _, r := range e.recs {
		if (r.state == recPending || r.printing) && r.dev == v.Device && !v.Time.Before(r.start) && v.Time.Before(r.at.Add(e.cfg.StatusGrace)) {
			e.confirm(r)
		}
	}
}

// confirm decides a job once no fault can fail it any more: a job that was
// not cut or met a printer fault failed and never counts as a printed
// receipt; a printed card receipt is matched. A receipt paired when it
// arrived (pairSent) keeps its pairing either way.
func (e *Engine) confirm(r *receipt) {
	paired := r.printing
	r.printing = false
	if !paired {
		r.state = recOther
	}
	var why []string
	if !r.cut {
		why = append(why, "job never cut (ended: "+r.ended+")")
	}
	if r.unconfirmed {
		why = append(why, "the printer never confirmed it printed (no answer to GS ( H)")
	}
	if r.unanswered {
		why = append(why, "the printer did not answer the register's status request")
	}
	prn := e.printer(r.dev, false)
	if prn != nil {
		r.printer = printerEvidence(prn.cur, len(prn.hist) > 0)
		graceEnd := r.at.Add(e.cfg.StatusGrace)
		if st, phase, ok := prn.firstFault(r.start, r.at, graceEnd); ok {
			r.printer = printerEvidence(st, true)
			when := map[string]string{"at": "at the start of the job", "during": "during the job", "after": "right after the job"}[phase]
			why = append(why, printerCause(r.printer)+" "+when)
		}
	}
	if r.unanswered {
		r.printer.NoReply = true // the silence the job met, whatever the state said before
	}
	switch {
	case len(why) > 0:
		r.state = recFailed
		r.failure = strings.Join(why, "; ")
	case paired:
		return // printed; its amount_mismatch was decided when it arrived
	case r.card > 0 && !r.reprint:
		r.state = recOpen
		e.matchReceipt(r)
	case r.refund > 0 && !r.reprint:
		r.state = recRefundOpen
		e.matchRefundReceipt(r)
	}
	e.fire(trigger{on: onReceipt, rec: r})
}

// printer returns the state of a printer device, creating it if asked.
func (e *Engine) printer(dev string, create bool) *printer {
	i, found := slices.BinarySearchFunc(e.printers, dev, func(p *printer, d string) int { return strings.Compare(p.dev, d) })
	if found {
		return e.printers[i]
	}
	if !create {
		return nil
	}
	p := &printer{dev: dev}
	e.printers = slices.Insert(e.printers, i, p)
	return p
}

// likelyCause is the printer state that best explains a receipt missing
// from from to now: the first fault any printer was in during that time
// (printers in name order), else the current state of the printer heard
// from last. Known is false when no printer status was ever seen.
func (e *Engine) likelyCause(from, now time.Time) (PrinterEvidence, string) {
	for _, p := range e.printers {
		if st, _, ok := p.firstFault(from, now, now.Add(time.Nanosecond)); ok {
			return printerEvidence(st, true), p.dev
		}
	}
	var last *printer
	for _, p := range e.printers {
		if len(p.hist) > 0 && (last == nil || p.updated.After(last.updated)) {
			last = p
		}
	}
	if last == nil {
		return PrinterEvidence{}, ""
	}
	return printerEvidence(last.cur, true), last.dev
}
