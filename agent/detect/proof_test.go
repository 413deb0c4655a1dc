package detect

import (
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestUnconfirmedReceipt: a card receipt the printer never confirmed
// (GS ( H fn 48 unanswered) failed to print: print_failed says so, and it
// is no receipt for the payment, which gets payment_without_receipt.
func TestUnconfirmedReceipt(t *testing.T) {
	e := New(Config{Site: "s", Lane: "l"})
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var alerts []Alert
	alerts = append(alerts, e.Observe(&drivers.Payment{Head: drivers.Head{Time: t0, Device: "terminal"},
		Type: drivers.PaySale, Result: drivers.Approved, Amount: 1200, Currency: "EUR", Trace: "000001"})...)
	alerts = append(alerts, e.Observe(&drivers.Receipt{Head: drivers.Head{Time: t0.Add(2 * time.Second), Device: "printer"},
		Start: t0.Add(time.Second), Cut: true, Ended: "cut", Unconfirmed: true, Number: "0001",
		Tenders: []drivers.Tender{{Kind: drivers.TenderCard, Amount: 1200}}})...)
	alerts = append(alerts, e.Advance(t0.Add(5*time.Minute))...)
	kinds := map[string]Alert{}
	for _, a := range alerts {
		kinds[a.Kind] = a
	}
	pf, ok := kinds[KindPrintFailed]
	if !ok || !strings.Contains(pf.Summary, "never confirmed") {
		t.Errorf("print_failed = %+v (ok %v), want one saying the printer never confirmed", pf, ok)
	}
	if _, ok := kinds[KindPaymentWithoutReceipt]; !ok {
		t.Errorf("no payment_without_receipt: the unconfirmed receipt must not count; alerts %v", alerts)
	}
	if _, ok := kinds[KindAmountMismatch]; ok {
		t.Error("amount_mismatch raised for an unprinted receipt")
	}
}
