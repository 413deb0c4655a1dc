package detect_test

import (
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/drivers"
)

// A card sale approved while the printer is out of paper: ninety seconds
// later the detector reports it, with the likely cause.
func Example() {
	t0 := time.Date(2026, 11, 22, 10, 15, 3, 0, time.UTC)
	e := detect.New(detect.Config{Site: "s1", Lane: "l1"})
	e.Observe(&drivers.PrinterStatus{Head: drivers.Head{Time: t0.Add(-time.Minute), Device: "printer"}, PaperEnd: true, Offline: true})
	e.Observe(&drivers.Payment{
		Head: drivers.Head{Time: t0, Device: "terminal"},
		Type: drivers.PaySale, Result: drivers.Approved, Amount: 2040, Currency: "EUR", Trace: "000470",
	})
	fmt.Println(len(e.Advance(t0.Add(89 * time.Second))))
	for _, a := range e.Advance(t0.Add(90 * time.Second)) {
		fmt.Println(a.Kind, a.Severity)
		fmt.Println(a.Summary)
	}
	// Output:
	// 0
	// payment_without_receipt critical
	// Card payment EUR 20.40 approved at 10:15:03 (trace 000470) but no receipt printed within 1m30s; printer reported paper end.
}
