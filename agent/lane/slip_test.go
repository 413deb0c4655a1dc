package lane_test

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/zvt"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestTerminalSlipIsNoPrintJob: a ZVT terminal's slip text (06 D3) is a
// receipt event (journaled) but never a print job: no print_failed for a
// receipt that was never cut, and it pays for no payment.
func TestTerminalSlipIsNoPrintJob(t *testing.T) {
	cfg := configs.Default()
	cfg.Devices = []configs.Device{
		{Name: "printer", Role: configs.RolePrinter, Protocol: "escpos"},
		{Name: "terminal", Role: configs.RoleTerminal, Protocol: "zvt", Framing: "tcp", Currency: "EUR", SlipProfile: "de-en"},
	}
	ln, err := lane.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	slipText := zvt.PrintTextBlock(2, []byte("KUNDENBELEG"), []byte("KAUF"), []byte("SUMME"), []byte("EUR: 1,00"),
		[]byte("Trace#: 004001"), []byte("Autorisierungscode:367655"))
	evs, err := ln.Feed("terminal", drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: slipText})
	if err != nil {
		t.Fatal(err)
	}
	evs = append(evs, ln.EndOfInput(t0.Add(time.Second))...)
	var rs int
	for _, ev := range evs {
		if r, ok := ev.(*drivers.Receipt); ok {
			rs++
			if r.Profile != "slip:de-en" || r.Cut {
				t.Errorf("slip receipt = %+v", r)
			}
		}
	}
	if rs != 1 {
		t.Fatalf("receipts = %d, want 1: %v", rs, evs)
	}
	alerts := ln.Observe(evs)
	alerts = append(alerts, ln.Advance(t0.Add(time.Hour))...)
	alerts = append(alerts, ln.Finish()...)
	for _, a := range alerts {
		t.Errorf("alert from a terminal slip: %s %s", a.Kind, a.Summary)
	}
}

// TestPrinterSlipBecomesPayment: on a lane whose terminal has no link, a
// UnionPay slip printed through the register's printer (GBK, ESC/POS) is
// a payment, once for its two copies, and the slip job itself matches
// nothing: without the register's receipt the sale has no receipt.
func TestPrinterSlipBecomesPayment(t *testing.T) {
	cfg := configs.Default()
	cfg.Devices = []configs.Device{{Name: "printer", Role: configs.RolePrinter, Protocol: "escpos",
		ChineseDefault: true, Currency: "CNY", SlipProfile: "unionpay"}}
	ln, err := lane.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	text := "POS签购单\n商户存根 MERCHANT COPY\n终端编号(TERMINAL NO.):30112345\n卡号(CARD NO.):\n  6225880000004321\n" +
		"交易类型(TRANS TYPE):\n  消费/SALE\n凭证号(VOUCHER NO.):000981\n授权码(AUTH NO.):736512\n金额(AMOUNT):\n  RMB 128.50\n\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	job := append(append([]byte("\x1b@"), gbk...), "\x1dV\x00"...)
	t0 := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	var evs []drivers.Event
	for i := range 2 { // merchant and customer copy
		got, err := ln.Feed("printer", drivers.Chunk{Time: t0.Add(time.Duration(i) * 3 * time.Second), Dir: drivers.FromHost, Data: job})
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, got...)
	}
	evs = append(evs, ln.EndOfInput(t0.Add(10*time.Second))...)
	var pays []*drivers.Payment
	for _, ev := range evs {
		switch v := ev.(type) {
		case *drivers.Payment:
			pays = append(pays, v)
		case *drivers.Receipt:
			if v.Profile != "slip:unionpay" || len(v.Tenders) != 0 {
				t.Errorf("slip job = profile %q tenders %v", v.Profile, v.Tenders)
			}
		}
	}
	if len(pays) != 1 {
		t.Fatalf("payments = %d, want 1: %+v", len(pays), pays)
	}
	if p := pays[0]; p.Type != drivers.PaySale || p.Amount != 12850 || p.Card != "622588******4321" || p.Source() != "printer" {
		t.Errorf("payment = %+v", p)
	}
	alerts := ln.Observe(evs)
	alerts = append(alerts, ln.Finish()...)
	kinds := map[string]int{}
	for _, a := range alerts {
		kinds[a.Kind]++
	}
	if kinds["payment_without_receipt"] != 1 {
		t.Errorf("alerts = %v, want one payment_without_receipt (the slip is no register receipt)", kinds)
	}
}
