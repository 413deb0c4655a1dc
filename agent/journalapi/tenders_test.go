package journalapi

import (
	"fmt"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestNetTenders: the change given back comes off the tenders so they add
// up to what was due, however the POS prints it.
func TestNetTenders(t *testing.T) {
	cash := func(a int64) drivers.Tender { return drivers.Tender{Kind: drivers.TenderCash, Amount: a} }
	card := func(a int64) drivers.Tender { return drivers.Tender{Kind: drivers.TenderCard, Amount: a} }
	voucher := func(a int64) drivers.Tender { return drivers.Tender{Kind: drivers.TenderVoucher, Amount: a} }
	for _, tc := range []struct {
		name        string
		due, change *int64
		tenders     []drivers.Tender
		want        string
		wantChange  int64
	}{
		{"cash with a change line", i64(6800), i64(3200), []drivers.Tender{cash(10000)}, "[{cash 6800}]", 3200},
		{"cash, change line not recognised", i64(6800), nil, []drivers.Tender{cash(10000)}, "[{cash 6800}]", 3200},
		{"POS prints the net cash beside the change", i64(6800), i64(3200), []drivers.Tender{cash(6800)}, "[{cash 6800}]", 0},
		{"exact cash", i64(6800), nil, []drivers.Tender{cash(6800)}, "[{cash 6800}]", 0},
		{"card and cash, change off the cash", i64(5550), i64(500), []drivers.Tender{card(3550), cash(2500)}, "[{card 3550} {cash 2000}]", 500},
		{"voucher overpaid, change in cash", i64(4500), i64(500), []drivers.Tender{voucher(5000)}, "[{voucher 4500}]", 500},
		{"cash first, then voucher", i64(4500), nil, []drivers.Tender{voucher(4000), cash(1000)}, "[{voucher 4000} {cash 500}]", 500},
		{"more change than cash: the rest off the voucher", i64(4500), nil, []drivers.Tender{voucher(5000), cash(200)}, "[{voucher 4500} {cash 0}]", 700},
		{"never off a card", i64(6800), nil, []drivers.Tender{card(7000)}, "[{card 7000}]", 0},
		{"no due: the printed change", nil, i64(3200), []drivers.Tender{cash(10000)}, "[{cash 6800}]", 3200},
		{"no due, no change", nil, nil, []drivers.Tender{cash(10000)}, "[{cash 10000}]", 0},
		{"underpaid (a tender not recognised)", i64(6800), nil, []drivers.Tender{cash(5000)}, "[{cash 5000}]", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &drivers.Receipt{Due: tc.due, Change: tc.change, Tenders: tc.tenders}
			before := fmt.Sprint(r.Tenders)
			got, change := netTenders(r)
			s := "["
			for i, x := range got {
				if i > 0 {
					s += " "
				}
				s += fmt.Sprintf("{%s %d}", x.Kind, x.Amount)
			}
			s += "]"
			if s != tc.want || change != tc.wantChange {
				t.Fatalf("net %s change %d, want %s change %d", s, change, tc.want, tc.wantChange)
			}
			if fmt.Sprint(r.Tenders) != before {
				t.Fatal("the receipt's own tenders were changed")
			}
		})
	}
}
