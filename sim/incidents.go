package sim

import (
	"slices"
	"time"
)

// Incident kinds IncidentShift puts into a busy shift, in the order they
// are spread over it, and the alert each raises ("kind" for raised).
var incidentKinds = []struct {
	name   string
	alerts []string
}{
	{"under_charge", []string{"amount_mismatch"}},
	{"paper_out", []string{"printer_fault", "print_failed", "payment_without_receipt"}},
	{"never_cut", []string{"print_failed", "payment_without_receipt"}},
	{"declined_receipt_says_card", []string{"receipt_without_payment"}},
	{"no_receipt", []string{"payment_without_receipt"}},
	{"swiped_twice", []string{"duplicate_charge"}},
	{"over_refund", []string{"amount_mismatch"}},
	{"over_charge", []string{"amount_mismatch"}},
}

// IncidentShift is BusyShift(seed, n) with eight real incidents spread
// evenly over it, each made from an ordinary checkout of the shift: an
// under-charge (the terminal approves a tenth), the printer out of paper
// while a card receipt prints, a card receipt never cut, a declined card
// whose receipt still says card, a card sale whose receipt never prints, a
// card swiped twice, a refund keyed ten times too high, an over-charge.
// It returns the shift and the alert kinds the incidents raise (raised
// only; a paper-out also resolves its printer_fault).
func IncidentShift(seed uint64, n int) ([]Action, []string) {
	acts := BusyShift(seed, n)
	// Card checkouts (a sale, then its card receipt) and refunds (a refund
	// receipt, then the terminal refund), by the index of their first action.
	var cards, refunds []int
	for i := 0; i+1 < len(acts); i++ {
		a, b := acts[i], acts[i+1]
		switch {
		case a.Sale != nil && !a.Sale.Declined && !a.Sale.Refused && b.Print != nil && len(b.Print.Tenders) == 1 && b.Print.Tenders[0].Kind == "card":
			cards = append(cards, i)
		case a.Print != nil && a.Print.Refund && b.Refund != nil:
			refunds = append(refunds, i)
		}
	}
	var want []string
	var extra []Action
	var drop []int // actions removed
	// What the incidents change in the terminal's batch totals.
	type change struct {
		at    time.Duration
		count int
		total int64
	}
	var batch []change
	for k, inc := range incidentKinds {
		pool := cards
		if inc.name == "over_refund" {
			pool = refunds
		}
		if len(pool) == 0 {
			continue
		}
		i := pool[(k*2+1)*len(pool)/(2*len(incidentKinds))]
		sale, print := acts[i].Sale, acts[i+1].Print
		switch inc.name {
		case "under_charge":
			old := sale.Requested
			sale.Requested = max(sale.Requested/10, 1)
			batch = append(batch, change{acts[i].At, 0, sale.Requested - old})
		case "over_charge":
			batch = append(batch, change{acts[i].At, 0, 9 * sale.Requested})
			sale.Requested *= 10
		case "paper_out":
			at := acts[i+1].At
			extra = append(extra, Action{At: at - time.Second, Printer: &PrinterState{PaperEnd: true}},
				Action{At: at + 10*time.Second, Printer: &PrinterState{}})
			want = append(want, "printer_fault resolved")
		case "never_cut":
			print.NoCut = true
		case "declined_receipt_says_card":
			sale.Declined = true
			batch = append(batch, change{acts[i].At, -1, -sale.Requested})
		case "no_receipt":
			drop = append(drop, i+1)
		case "swiped_twice":
			again := *sale
			again.Trace = "9" + sale.Trace[1:]
			again.ReceiptNo = "9" + sale.ReceiptNo[1:]
			extra = append(extra, Action{At: acts[i].At + 8*time.Second, Sale: &again})
			batch = append(batch, change{acts[i].At, 1, sale.Requested})
		case "over_refund":
			batch = append(batch, change{acts[i].At, 0, -9 * acts[i+1].Refund.Amount})
			acts[i+1].Refund.Amount *= 10
		}
		for _, a := range inc.alerts {
			want = append(want, a+" raised")
		}
	}
	for _, i := range slices.Backward(drop) {
		acts = slices.Delete(acts, i, i+1)
	}
	// The terminal's end-of-day counts what it approved.
	for _, b := range batch {
		for j := range acts {
			if eod := acts[j].EndOfDay; eod != nil && acts[j].At > b.at {
				eod.Count += b.count
				eod.Total += b.total
				break
			}
		}
	}
	acts = append(acts, extra...)
	slices.SortStableFunc(acts, func(a, b Action) int { return int(a.At - b.At) })
	slices.Sort(want)
	return acts, want
}
