package journalapi

import "github.com/tillwatch/tillwatch/drivers"

// netTenders returns a receipt's tenders net of the change given back, and
// that change. A customer who pays 100.00 cash for 68.00 gets 32.00 back:
// the drawer keeps 68.00, so a day's tenders add up to its receipts.
//
// When the receipt knows what was due, the change is what the tenders
// exceed it by (whether or not a change line was recognised, and never
// more, so a POS that prints net tenders beside a change line is not
// netted twice); otherwise it is the printed change. It comes off cash
// tenders first (change is paid in cash), then other tenders that can be
// overpaid (voucher, wallet, other), never off a card: a card pays the
// exact amount.
func netTenders(r *drivers.Receipt) ([]drivers.Tender, int64) {
	var change, sum int64
	for _, t := range r.Tenders {
		sum += t.Amount
	}
	due := r.Due
	if due == nil {
		due = r.Total
	}
	switch {
	case due != nil:
		change = sum - *due
	case r.Change != nil:
		change = *r.Change
	}
	if change <= 0 || len(r.Tenders) == 0 {
		return r.Tenders, 0
	}
	out := append([]drivers.Tender(nil), r.Tenders...)
	left := change
	for _, cashFirst := range []bool{true, false} {
		for i := len(out) - 1; i >= 0 && left > 0; i-- {
			t := &out[i]
			if t.Kind == drivers.TenderCard || (t.Kind == drivers.TenderCash) != cashFirst || t.Amount <= 0 {
				continue
			}
			take := min(left, t.Amount)
			t.Amount -= take
			left -= take
		}
	}
	return out, change - left
}
