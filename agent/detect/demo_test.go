package detect

import (
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestDemoShiftTimeline plays the events the demo lane (sim.DemoShift)
// produces, with the demo's short windows, and checks what and when. The
// paper runs out StatusGrace after receipt 0003 (the demo's 1.2s would
// fail that job, and a failed receipt matches nothing).
func TestDemoShiftTimeline(t *testing.T) {
	ms := time.Millisecond
	cny := func(p *drivers.Payment) *drivers.Payment {
		p.Currency = "CNY"
		p.Card = "622588******" + p.Trace[2:]
		return p
	}
	cnyR := func(r *drivers.Receipt) *drivers.Receipt {
		r.Currency = "CNY"
		return r
	}
	steps := []step{
		obs(status(30*ms, nil)),
		obs(cny(sale(1500*ms, 12000, "000101"))),
		obs(cnyR(rcpt(3*sec, "0001", card(12000)))),
		obs(cnyR(rcpt(4200*ms, "0002", cash(5000)))),
		obs(cny(sale(6500*ms, 1200, "000102"))),
		obs(cnyR(rcpt(8*sec, "0003", card(12000)))),
		obs(status(11*sec, paperEnd)),
		obs(cny(sale(11500*ms, 3550, "000103"))),
		obs(status(14*sec, nil)),
		obs(cnyR(uncut(rcpt(19200*ms, "0004", cash(500)), "idle"))),
		obs(cny(sale(20500*ms, 4510, "000104"))),
		obs(cnyR(rcpt(22*sec, "0005", card(4510)))),
		adv(time.Minute),
	}
	e := New(Config{Site: "demo-store", Lane: "lane-1", Settings: Settings{MatchWindow: 20 * sec, ReceiptWait: 6 * sec}})
	got := run(e, steps)
	want := []string{"amount_mismatch/raised", "printer_fault/raised", "printer_fault/resolved", "payment_without_receipt/raised", "print_failed/raised"}
	if k := kinds(got); !slices.Equal(k, want) {
		t.Fatalf("alerts %v, want %v", k, want)
	}
	mm, pwr := got[0], got[3]
	if *mm.Delta != -10800 || mm.Payment.Amount != 1200 || mm.Currency != "CNY" || mm.Detected.After(t0.Add(12*sec)) {
		t.Errorf("mismatch: %s (detected +%v)", mm.Summary, mm.Detected.Sub(t0))
	}
	if pwr.Payment.Trace != "000103" || !pwr.Printer.PaperEnd || pwr.Detected.Before(t0.Add(17500*ms)) || pwr.Detected.After(t0.Add(18*sec)) {
		t.Errorf("payment_without_receipt: %s (detected +%v)", pwr.Summary, pwr.Detected.Sub(t0))
	}
}
