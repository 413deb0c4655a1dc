package journalapi

import (
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/drivers"
)

// TestAddCashiers: the day's receipts and incidents per cashier, from the
// journal replayed through the detector: Li Jing's receipt 0007 shows card
// 68.00 but the terminal charged 6.80 (amount_mismatch); Wang Fang's
// receipt is paid right.
func TestAddCashiers(t *testing.T) {
	rc := func(ts, no, who string, amount int64) *drivers.Receipt {
		return &drivers.Receipt{Head: drivers.Head{Time: at(ts), Device: "printer"}, Cut: true, Ended: "cut",
			Number: no, Cashier: who, Total: i64(amount), Due: i64(amount), Currency: "CNY",
			Tenders: []drivers.Tender{{Kind: drivers.TenderCard, Amount: amount}}}
	}
	pay := func(ts, trace string, amount int64) *drivers.Payment {
		return &drivers.Payment{Head: drivers.Head{Time: at(ts), Device: "terminal"}, Type: drivers.PaySale,
			Result: drivers.Approved, Amount: amount, Currency: "CNY", Trace: trace}
	}
	j, _ := openJournal(t, []drivers.Event{
		pay("2026-11-22 10:00:00", "000101", 680),
		rc("2026-11-22 10:00:05", "0007", "007 李静", 6800),
		pay("2026-11-22 11:00:00", "000102", 3550),
		rc("2026-11-22 11:00:05", "0008", "王芳", 3550),
	})
	s, err := Summarize(j, "s", "l", "2026-11-22", "CNY", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	if err := AddCashiers(j, s, detect.Config{Site: "s", Lane: "l", Roles: map[string]string{"printer": detect.RolePrinter, "terminal": detect.RoleTerminal}}); err != nil {
		t.Fatal(err)
	}
	li, wang := s.Cashiers["007 李静"], s.Cashiers["王芳"]
	if li == nil || li.Receipts != 1 || li.Incidents != 1 || li.Kinds[detect.KindAmountMismatch] != 1 {
		t.Errorf("007 李静: %+v", li)
	}
	if wang == nil || wang.Receipts != 1 || wang.Incidents != 0 {
		t.Errorf("王芳: %+v", wang)
	}
	var b strings.Builder
	if err := WriteSummary(&b, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "cashier 007 李静") || !strings.Contains(b.String(), "amount_mismatch 1") {
		t.Errorf("written summary lacks the cashiers:\n%s", b.String())
	}
}
