package detect

import (
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// payState is where an approved sale stands.
type payState uint8

const (
	payOpen      payState = iota // no receipt yet
	payMatched                   // matched to a receipt of equal amount
	payPaired                    // paired with a receipt of another amount (amount_mismatch)
	payCancelled                 // voided or reversed: needs no receipt
)

// payment is an approved sale the engine tracks.
type payment struct {
	seq   uint64
	id    string
	ev    drivers.Payment // a copy: callers may reuse theirs
	at    time.Time
	state payState
	// due is when payment_without_receipt next looks at it; waitDone is
	// set once it decided (or the sale no longer needs a receipt).
	due      time.Time
	waitDone bool
	alerted  bool // payment_without_receipt or duplicate_charge was reported
	rec      *receipt
	dup      *dupIncident // the duplicate charge it is part of
}

// pending reports whether a decision about p is still to come.
func (p *payment) pending() bool { return p.state == payOpen && !p.waitDone }

// recState is where a receipt job stands.
type recState uint8

const (
	recPending       recState = iota // printed; faults may still come within StatusGrace
	recFailed                        // the job did not complete: never matched
	recOther                         // printed, but not a card receipt (cash, reprint)
	recOpen                          // printed card receipt waiting for its payment(s)
	recMatched                       // matched to payment(s) of equal amount
	recPaired                        // paired with payment(s) of another amount
	recClosed                        // its window closed with nothing to pair
	recRefundOpen                    // printed refund receipt waiting for its terminal refund
	recRefundMatched                 // refund receipt matched to a terminal refund or void
	recRefundPaired                  // refund receipt paired with a terminal refund of another amount
)

// receipt is one print job the engine tracks.
type receipt struct {
	seq         uint64
	id          string
	dev         string
	at          time.Time // the job's end (its cut)
	start       time.Time
	cut         bool
	ended       string
	unconfirmed bool // the printer never confirmed it printed (GS ( H fn 48)
	unanswered  bool // a status request sent for it went unanswered
	reprint     bool
	card        int64 // sum of the settled tenders; 0 when not a card receipt
	lines       int   // number of settled tender lines
	refund      int64 // money back to a card: minus the settled tenders when all are negative
	money       bool  // it has a total, an amount due or a tender line: a checkout's receipt
	currency    string
	evidence    ReceiptEvidence
	state       recState
	failure     string          // why the job failed, for print_failed
	printer     PrinterEvidence // printer state print_failed reports
	pays        []*payment
	pairing     []string // evidence ids of its amount_mismatch
	unread      bool     // read from its image, amounts unsure (see unread.go)
	taken       bool     // an unread receipt a sale counted as its print
	// printing is set on a card receipt paired when it arrived (see
	// Engine.pairSent) while StatusGrace is not over: a fault after its
	// cut may still fail the job (print_failed); the pairing stays.
	printing bool
}

// pending reports whether a decision about r is still to come.
func (r *receipt) pending() bool {
	return r.state == recPending || r.state == recOpen || r.state == recRefundOpen || r.printing
}

// newReceipt digests a receipt event for the settled tender kinds.
func newReceipt(cfg *Config, v *drivers.Receipt, id string, seq uint64) *receipt {
	r := &receipt{
		seq: seq, id: id, dev: v.Device, at: v.Time, start: v.Start,
		cut: v.Cut, ended: v.Ended, reprint: v.Reprint, currency: v.Currency, unconfirmed: v.Unconfirmed,
		unanswered: v.Unanswered,
		money:      v.Total != nil || v.Due != nil || len(v.Tenders) > 0,
		unread:     v.Recognised != nil && v.Recognised.AmountsUnsure,
	}
	if r.start.IsZero() || r.start.After(r.at) {
		r.start = r.at
	}
	var back int64
	for _, t := range v.Tenders {
		switch {
		case !cfg.settles(t.Kind):
		case t.Amount > 0:
			r.card += t.Amount
			r.lines++
		case t.Amount < 0:
			back -= t.Amount
		}
	}
	if r.card == 0 {
		r.refund = back
	}
	r.evidence = ReceiptEvidence{
		Number: v.Number, Total: copyInt(v.Total), Due: copyInt(v.Due),
		Time: v.Time, Cut: v.Cut, cashier: v.Cashier, Recognised: v.Recognised,
	}
	if r.card > 0 {
		r.evidence.CardTender = copyInt(&r.card)
	}
	if r.refund > 0 {
		neg := -r.refund
		r.evidence.CardTender = &neg
	}
	return r
}

func copyInt(p *int64) *int64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// paymentEvidence is the contract's view of a payment. The card number is
// masked again (idempotent) so nothing longer than 6+4 digits leaves.
func paymentEvidence(p *drivers.Payment) *PaymentEvidence {
	return &PaymentEvidence{
		Type: string(p.Type), Result: string(p.Result), Amount: p.Amount, Requested: p.Requested,
		Currency: p.Currency, AuthCode: p.AuthCode, Trace: p.Trace, ReceiptNo: p.ReceiptNo,
		Reference: p.Reference, TerminalID: p.TerminalID, Card: drivers.MaskPAN(p.Card), Time: p.Time,
	}
}

// absDur is |a-b|.
func absDur(a, b time.Time) time.Duration {
	d := a.Sub(b)
	if d < 0 {
		return -d
	}
	return d
}
