package detect

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/golden"
)

// scenario is a lane story and the exact alerts it must give, in order.
type scenario struct {
	name  string
	steps []step
	want  []string                  // kind/state, in order
	check func(*testing.T, []Alert) // further assertions
}

func scenarios() []scenario {
	ok := status(-60*sec, nil)
	return []scenario{
		{name: "clean_card_sale", steps: []step{obs(ok), obs(sale(0, 2040, "000470")), obs(rcpt(3*sec, "0042", card(2040))), adv(10 * time.Minute)}},
		{name: "receipt_before_payment", steps: []step{obs(rcpt(0, "0042", card(2040))), obs(sale(20*sec, 2040, "000470")), adv(10 * time.Minute)}},
		{name: "late_receipt_within_wait", steps: []step{obs(ok), obs(sale(0, 2040, "000470")), adv(88 * sec), obs(rcpt(89*sec, "0042", card(2040))), adv(90 * sec), adv(10 * time.Minute)}},
		{name: "no_receipt", steps: []step{obs(ok), obs(sale(0, 2040, "000470")), adv(10 * time.Minute)},
			want: []string{"payment_without_receipt/raised"},
			check: func(t *testing.T, as []Alert) {
				a := as[0]
				if !a.Time.Equal(t0) || !a.Detected.Equal(t0.Add(90*sec)) || a.Payment.Trace != "000470" || !a.Printer.Known || a.Printer.PaperEnd {
					t.Errorf("alert = %+v", a)
				}
			}},
		{name: "no_receipt_printer_never_seen", steps: []step{obs(sale(0, 2040, "000470")), adv(90 * sec)},
			want: []string{"payment_without_receipt/raised"},
			check: func(t *testing.T, as []Alert) {
				if as[0].Printer == nil || as[0].Printer.Known {
					t.Errorf("printer = %+v, want Known false", as[0].Printer)
				}
			}},
		{name: "under_charge", steps: []step{obs(ok), obs(sale(0, 1200, "000102")), obs(rcpt(2*sec, "0003", card(12000))), adv(10 * time.Minute)},
			want: []string{"amount_mismatch/raised"}, check: wantDelta(-10800, 2*sec)},
		{name: "over_charge", steps: []step{obs(ok), obs(sale(0, 13000, "000102")), obs(rcpt(2*sec, "0003", card(12000))), adv(10 * time.Minute)},
			want: []string{"amount_mismatch/raised"}, check: wantDelta(1000, 2*sec)},
		{name: "over_charge_receipt_first", steps: []step{obs(ok), obs(rcpt(0, "0003", card(12000))), obs(sale(10*sec, 13000, "000102")), adv(10 * time.Minute)},
			want: []string{"amount_mismatch/raised"}, check: wantDelta(1000, 120*sec)},
		{name: "split_two_cards", steps: []step{obs(ok), obs(sale(0, 6000, "000201")), obs(sale(20*sec, 6000, "000202")), obs(rcpt(25*sec, "0007", card(12000))), adv(10 * time.Minute)}},
		{name: "split_receipt_between_payments", steps: []step{obs(ok), obs(sale(0, 6000, "000201")), obs(rcpt(5*sec, "0007", card(6000), card(6000))), obs(sale(30*sec, 6000, "000202")), adv(10 * time.Minute)}},
		{name: "split_wrong_sum", steps: []step{obs(ok), obs(sale(0, 6000, "000201")), obs(sale(20*sec, 5000, "000202")), obs(rcpt(25*sec, "0007", card(6000), card(6000))), adv(10 * time.Minute)},
			want: []string{"amount_mismatch/raised"}, check: wantDelta(-1000, 145*sec)},
		{name: "cash_only", steps: []step{obs(ok), obs(rcpt(0, "0008", cash(4510))), adv(10 * time.Minute)}},
		{name: "declined_then_approved", steps: []step{obs(ok),
			obs(with(sale(0, 2040, "000470"), func(p *drivers.Payment) { p.Result, p.ResultCode = drivers.Declined, 5 })),
			obs(sale(30*sec, 2040, "000471")), obs(rcpt(33*sec, "0042", card(2040))), adv(10 * time.Minute)}},
		{name: "voided_sale", steps: []step{obs(ok), obs(sale(0, 2040, "000470")),
			obs(with(sale(20*sec, 2040, "000471"), func(p *drivers.Payment) { p.Type, p.OriginalTrace = drivers.PayVoid, "000470" })), adv(10 * time.Minute)}},
		{name: "uncut_job", steps: []step{obs(ok), obs(uncut(rcpt(0, "0004", cash(500)), "idle")), adv(10 * time.Minute)},
			want: []string{"print_failed/raised"},
			check: func(t *testing.T, as []Alert) {
				if as[0].Receipt.Cut || as[0].Severity != Warning || !as[0].Detected.Equal(t0) {
					t.Errorf("alert = %+v", as[0])
				}
			}},
		{name: "paper_end_during_job", steps: []step{obs(ok), obs(sale(0, 3550, "000103")), obs(status(3*sec, paperEnd)), obs(rcpt(4*sec, "0005", card(3550))), adv(2 * time.Minute)},
			want: []string{"printer_fault/raised", "print_failed/raised", "payment_without_receipt/raised"},
			check: func(t *testing.T, as []Alert) {
				if !as[1].Printer.PaperEnd || !as[2].Printer.PaperEnd {
					t.Errorf("printer evidence = %+v / %+v, want paper_end", as[1].Printer, as[2].Printer)
				}
			}},
		{name: "paper_end_within_grace", steps: []step{obs(ok), obs(sale(0, 3550, "000103")), obs(rcpt(4*sec, "0005", card(3550))), obs(status(6*sec, paperEnd)), adv(2 * time.Minute)},
			want: []string{"printer_fault/raised", "print_failed/raised", "payment_without_receipt/raised"}},
		// An under-charged receipt is decided when it arrives; a fault
		// after its cut fails the job but not the pairing: the mismatch
		// stands with the same id, print_failed is added, and the paired
		// sale gets no payment_without_receipt.
		{name: "under_charge_paper_end_within_grace", steps: []step{obs(ok), obs(sale(0, 1200, "000102")), obs(rcpt(2*sec, "0003", card(12000))), obs(status(4*sec, paperEnd)), adv(10 * time.Minute)},
			want: []string{"amount_mismatch/raised", "printer_fault/raised", "print_failed/raised"}, check: underChargeThenFault(2*sec, 4*sec)},
		// The fault came first (read while the decoder held the receipt
		// for its drawer kick): the same alerts, print_failed when the
		// receipt arrives.
		{name: "under_charge_paper_end_before_receipt_arrives", steps: []step{obs(ok), obs(sale(0, 1200, "000102")), obs(status(3*sec, paperEnd)), obs(rcpt(2*sec, "0003", card(12000))), adv(10 * time.Minute)},
			want: []string{"printer_fault/raised", "amount_mismatch/raised", "print_failed/raised"}, check: func(t *testing.T, as []Alert) { underChargeThenFault(3*sec, 3*sec)(t, as[1:]) }},
		// The register prints the failed receipt again once the paper is
		// back: the copy is the same checkout, not a receipt without payment.
		{name: "under_charge_paper_end_then_printed_again", steps: []step{obs(ok), obs(sale(0, 1200, "000102")), obs(rcpt(2*sec, "0003", card(12000))), obs(status(4*sec, paperEnd)), obs(status(20*sec, nil)), obs(rcpt(25*sec, "0003", card(12000))), adv(10 * time.Minute)},
			want: []string{"amount_mismatch/raised", "printer_fault/raised", "print_failed/raised", "printer_fault/resolved"}},
		{name: "paper_end_after_grace", steps: []step{obs(ok), obs(sale(0, 3550, "000103")), obs(rcpt(4*sec, "0005", card(3550))), obs(status(8*sec, paperEnd)), adv(2 * time.Minute)},
			want: []string{"printer_fault/raised"}},
		{name: "printed_while_faulted", steps: []step{obs(status(-10*sec, paperEnd)), obs(sale(0, 3550, "000103")), obs(rcpt(4*sec, "0005", card(3550))), adv(2 * time.Minute)},
			want: []string{"printer_fault/raised", "print_failed/raised", "payment_without_receipt/raised"}},
		{name: "payment_while_out_of_paper_then_fixed", steps: []step{obs(ok), obs(status(9*sec, paperEnd)), obs(sale(10*sec, 3550, "000103")), obs(status(14*sec, nil)), adv(2 * time.Minute)},
			want: []string{"printer_fault/raised", "printer_fault/resolved", "payment_without_receipt/raised"},
			check: func(t *testing.T, as []Alert) {
				if as[0].Incident != as[1].Incident || as[0].ID == as[1].ID {
					t.Errorf("raised/resolved ids %s/%s incidents %s/%s", as[0].ID, as[1].ID, as[0].Incident, as[1].Incident)
				}
				if !as[2].Printer.PaperEnd {
					t.Errorf("payment_without_receipt printer = %+v, want the paper end in force at approval", as[2].Printer)
				}
			}},
		{name: "leftover_payment_and_under_charge", steps: []step{obs(ok), obs(sale(0, 2000, "000301")), obs(sale(40*sec, 1200, "000302")), obs(rcpt(42*sec, "0009", card(12000))), adv(10 * time.Minute)},
			want: []string{"amount_mismatch/raised", "payment_without_receipt/raised"},
			check: func(t *testing.T, as []Alert) {
				if as[0].Payment.Trace != "000302" || as[1].Payment.Trace != "000301" {
					t.Errorf("paired %s, no receipt %s", as[0].Payment.Trace, as[1].Payment.Trace)
				}
			}},
		{name: "receipt_first_after_leftover_sale", steps: []step{obs(ok), obs(sale(0, 2000, "000301")), obs(rcpt(40*sec, "0010", card(5154))), obs(sale(48*sec, 5154, "000302")), adv(10 * time.Minute)},
			want: []string{"amount_mismatch/raised", "amount_mismatch/resolved", "payment_without_receipt/raised"},
			check: func(t *testing.T, as []Alert) {
				if as[0].Incident != as[1].Incident || as[0].ID == as[1].ID || as[2].Payment.Trace != "000301" || !as[2].Detected.Equal(t0.Add(90*sec)) {
					t.Errorf("ids %s/%s incidents %s/%s; no receipt for %s at %v", as[0].ID, as[1].ID, as[0].Incident, as[1].Incident, as[2].Payment.Trace, as[2].Detected.Sub(t0))
				}
			}},
		{name: "split_second_card_after_print", steps: []step{obs(ok), obs(sale(0, 6000, "000201")), obs(rcpt(5*sec, "0007", card(12000))), obs(sale(30*sec, 6000, "000202")), adv(10 * time.Minute)},
			want: []string{"amount_mismatch/raised", "amount_mismatch/resolved"}},
		{name: "over_charge_then_next_customer_same_amount", steps: []step{obs(ok), obs(sale(0, 33430, "000190")), obs(rcpt(2*sec, "0190", card(3343))), obs(sale(40*sec, 3343, "000191")), obs(rcpt(42*sec, "0191", card(3343))), adv(10 * time.Minute)},
			want: []string{"amount_mismatch/raised"}},
		{name: "partial_approval", steps: []step{obs(ok), obs(with(sale(0, 5000, "000501"), func(p *drivers.Payment) { p.Requested = 8000 })), obs(rcpt(3*sec, "0010", card(5000), cash(3000))), adv(10 * time.Minute)},
			want: []string{"partial_approval/raised"}, check: wantDelta(-3000, 0)},
		{name: "printer_near_end_escalates", steps: []step{obs(ok), obs(status(10*sec, nearEnd)), obs(status(20*sec, paperEnd)), obs(status(30*sec, nil)), adv(time.Minute)},
			want: []string{"printer_fault/raised", "printer_fault/resolved", "printer_fault/raised", "printer_fault/resolved"},
			check: func(t *testing.T, as []Alert) {
				if as[0].Severity != Warning || as[2].Severity != Critical || as[0].Incident != as[1].Incident || as[2].Incident != as[3].Incident || as[0].Incident == as[2].Incident {
					t.Errorf("severities %s %s, incidents %s %s %s %s", as[0].Severity, as[2].Severity, as[0].Incident, as[1].Incident, as[2].Incident, as[3].Incident)
				}
			}},
		{name: "duplicate_charge_reswipe", steps: []step{obs(ok), obs(sale(0, 2040, "000470")), obs(sale(40*sec, 2040, "000471")), obs(rcpt(43*sec, "0042", card(2040))), adv(10 * time.Minute)},
			want: []string{"duplicate_charge/raised"}},
		{name: "duplicate_charge_voided", steps: []step{obs(ok), obs(sale(0, 2040, "000470")), obs(sale(40*sec, 2040, "000471")), obs(rcpt(43*sec, "0042", card(2040))), obs(void(150*sec, 2040, "000472", "000470")), adv(10 * time.Minute)},
			want: []string{"duplicate_charge/raised", "duplicate_charge/resolved"}},
		{name: "duplicate_charge_refunded", steps: []step{obs(ok), obs(sale(0, 2040, "000470")), obs(sale(40*sec, 2040, "000471")), obs(rcpt(43*sec, "0042", card(2040))), obs(refund(300*sec, 2040, "000472")), adv(10 * time.Minute)},
			want: []string{"duplicate_charge/raised", "duplicate_charge/resolved"}},
		{name: "same_card_twice_two_receipts", steps: []step{obs(ok), obs(sale(0, 2040, "000470")), obs(rcpt(3*sec, "0042", card(2040))), obs(sale(60*sec, 2040, "000471")), obs(rcpt(63*sec, "0043", card(2040))), adv(10 * time.Minute)}},
		{name: "duplicate_charge_late", steps: []step{obs(ok), obs(sale(0, 2040, "000470")), obs(sale(200*sec, 2040, "000471")), obs(rcpt(203*sec, "0042", card(2040))), adv(10 * time.Minute)},
			want: []string{"payment_without_receipt/raised", "duplicate_charge/raised"}},
		{name: "refund_with_receipt", steps: []step{obs(ok), obs(refund(0, 2040, "000480")), obs(rcpt(3*sec, "0050", card(-2040))), adv(10 * time.Minute)}},
		{name: "refund_receipt_first", steps: []step{obs(ok), obs(rcpt(0, "0050", card(-2040))), obs(refund(20*sec, 2040, "000480")), adv(10 * time.Minute)}},
		{name: "refund_without_receipt", steps: []step{obs(ok), obs(refund(0, 2040, "000480")), adv(10 * time.Minute)},
			want: []string{"refund_without_sale/raised"}},
		{name: "refund_receipt_without_refund", steps: []step{obs(ok), obs(sale(-300*sec, 100, "000001")), obs(rcpt(-298*sec, "0001", card(100))), obs(rcpt(0, "0050", card(-2040))), adv(10 * time.Minute)},
			want: []string{"receipt_without_payment/raised"}},
		{name: "void_of_receipted_sale", steps: []step{obs(ok), obs(sale(0, 2040, "000470")), obs(rcpt(3*sec, "0042", card(2040))), obs(void(300*sec, 2040, "000471", "000470")), adv(10 * time.Minute)},
			want: []string{"refund_without_sale/raised"}},
		{name: "void_of_receipted_sale_with_refund_receipt", steps: []step{obs(ok), obs(sale(0, 2040, "000470")), obs(rcpt(3*sec, "0042", card(2040))), obs(void(300*sec, 2040, "000471", "000470")), obs(rcpt(303*sec, "0043", card(-2040))), adv(10 * time.Minute)}},
		{name: "void_of_unknown_sale", steps: []step{obs(ok), obs(void(0, 2040, "000471", "000999")), adv(10 * time.Minute)},
			want: []string{"refund_without_sale/raised"}},
		{name: "receipt_without_payment", steps: []step{obs(ok), obs(sale(-300*sec, 100, "000001")), obs(rcpt(-298*sec, "0001", card(100))), obs(rcpt(0, "0042", card(2040))), adv(10 * time.Minute)},
			want: []string{"receipt_without_payment/raised"}},
		{name: "receipt_without_payment_terminal_down", steps: []step{obs(ok), obs(sale(-300*sec, 100, "000001")), obs(rcpt(-298*sec, "0001", card(100))), obs(linkEv(-10*sec, "terminal", false)), obs(rcpt(0, "0042", card(2040))), obs(linkEv(60*sec, "terminal", true)), adv(10 * time.Minute)},
			want: []string{"device_offline/raised", "device_offline/resolved", "receipt_without_payment/raised"},
			check: func(t *testing.T, as []Alert) {
				if as[2].Severity != Warning || as[0].Incident != as[1].Incident {
					t.Errorf("severity %s, incidents %s %s", as[2].Severity, as[0].Incident, as[1].Incident)
				}
			}},
		{name: "settlement_matches", steps: []step{obs(ok), obs(with(sale(0, 2040, "000470"), func(p *drivers.Payment) { p.ReceiptNo = "0001" })), obs(rcpt(3*sec, "0042", card(2040))),
			obs(with(sale(60*sec, 1000, "000471"), func(p *drivers.Payment) { p.ReceiptNo = "0002" })), obs(rcpt(63*sec, "0043", card(1000))),
			obs(settle(600*sec, 3040, 2, "0001", "0002")), adv(20 * time.Minute)}},
		{name: "settlement_mismatch", steps: []step{obs(ok), obs(with(sale(0, 2040, "000470"), func(p *drivers.Payment) { p.ReceiptNo = "0001" })), obs(rcpt(3*sec, "0042", card(2040))),
			obs(settle(600*sec, 3040, 2, "0001", "0002")), adv(20 * time.Minute)},
			want: []string{"settlement_mismatch/raised"}, check: wantDelta(1000, 600*sec)},
		{name: "reprint_does_not_match", steps: []step{obs(ok), obs(sale(0, 2040, "000470")), obs(with2(rcpt(3*sec, "0042", card(2040)), func(r *drivers.Receipt) { r.Reprint = true })), adv(10 * time.Minute)},
			want: []string{"payment_without_receipt/raised"}},
	}
}

func with2(r *drivers.Receipt, f func(*drivers.Receipt)) *drivers.Receipt {
	f(r)
	return r
}

// wantDelta checks the first alert's delta and that it was decided by t0+by.
// underChargeThenFault checks the mismatch of the under-charge scenarios
// with a fault after the cut: decided at mismatchAt, the job failed at
// failedAt, both about receipt 0003.
func underChargeThenFault(mismatchAt, failedAt time.Duration) func(*testing.T, []Alert) {
	return func(t *testing.T, as []Alert) {
		wantDelta(-10800, mismatchAt)(t, as)
		pf := as[len(as)-1]
		if pf.Kind != KindPrintFailed || pf.Receipt.Number != "0003" || !pf.Printer.PaperEnd || !pf.Detected.Equal(t0.Add(failedAt)) {
			t.Errorf("print_failed = %+v (detected %v), want receipt 0003, paper end, at %v", pf, pf.Detected.Sub(t0), failedAt)
		}
	}
}

func wantDelta(delta int64, by time.Duration) func(*testing.T, []Alert) {
	return func(t *testing.T, as []Alert) {
		a := as[0]
		if a.Delta == nil || *a.Delta != delta {
			t.Errorf("delta = %v, want %d (%s)", a.Delta, delta, a.Summary)
		}
		if by > 0 && a.Detected.After(t0.Add(by)) {
			t.Errorf("decided at %v, want by %v", a.Detected.Sub(t0), by)
		}
	}
}

func TestScenarios(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			got := run(New(Config{Site: "s1", Lane: "l1"}), sc.steps)
			if k := kinds(got); !slices.Equal(k, sc.want) {
				for _, a := range got {
					t.Log(a.Summary)
				}
				t.Fatalf("alerts = %v, want %v", k, sc.want)
			}
			if sc.check != nil {
				sc.check(t, got)
			}
			for _, a := range got {
				if a.ID == "" || a.Incident == "" || a.Summary == "" || a.Site != "s1" || a.Lane != "l1" || a.Time.IsZero() || a.Detected.Before(a.Time) {
					t.Errorf("incomplete alert %+v", a)
				}
			}
			golden.Check(t, filepath.Join("testdata", "scenarios", sc.name+".json"), alertsJSON(t, got))
		})
	}
}

// alertsJSON is alerts as the golden files hold them: indented JSON, [] for none.
func alertsJSON(t *testing.T, got []Alert) []byte {
	t.Helper()
	if got == nil {
		got = []Alert{}
	}
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}
