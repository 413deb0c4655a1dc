package detect

import (
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

func TestKeyingSlip(t *testing.T) {
	tests := []struct {
		a, b int64
		want bool
	}{
		{1200, 12000, true},   // a zero dropped
		{120000, 1200, true},  // two zeros added
		{12000, 13000, true},  // one digit mistyped
		{12345, 1245, true},   // one digit dropped
		{12345, 12435, true},  // neighbours swapped
		{12345, 15342, false}, // two digits apart swapped
		{12000, 3550, false},
		{12000, 12000, false}, // equal is no slip
		{0, 100, false},
	}
	for _, tc := range tests {
		if got := keyingSlip(tc.a, tc.b); got != tc.want {
			t.Errorf("keyingSlip(%d, %d) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestPairing: a receipt and a sale of other amounts are one checkout
// (amount_mismatch) only when nothing says otherwise; the mismatch says how
// sure it is.
func TestPairing(t *testing.T) {
	ok := status(-60*sec, nil)
	tests := []struct {
		name  string
		steps []step
		want  []string
		conf  Confidence
	}{
		{name: "another checkout's receipt between, receipt first",
			steps: []step{obs(ok), obs(rcpt(0, "0001", card(12000))), obs(rcpt(10*sec, "0002", cash(500))), obs(sale(20*sec, 3550, "000103")), adv(10 * time.Minute)},
			want:  []string{"payment_without_receipt/raised", "receipt_without_payment/raised"}},
		{name: "another card checkout between, payment first",
			steps: []step{obs(ok), obs(sale(0, 3550, "000103")), obs(sale(15*sec, 2000, "000104")), obs(rcpt(20*sec, "0002", card(2000))), obs(rcpt(40*sec, "0003", card(12000))), adv(10 * time.Minute)},
			want:  []string{"payment_without_receipt/raised", "receipt_without_payment/raised"}},
		{name: "a cash receipt between, payment first: may be interleaved, paired",
			steps: []step{obs(ok), obs(sale(0, 3550, "000103")), obs(rcpt(20*sec, "0002", cash(500))), obs(rcpt(40*sec, "0003", card(12000))), adv(10 * time.Minute)},
			want:  []string{"amount_mismatch/raised"}, conf: High},
		{name: "a reprint between is no other checkout",
			steps: []step{obs(ok), obs(sale(0, 3550, "000103")), obs(reprint(rcpt(20*sec, "0001", cash(500)))), obs(rcpt(40*sec, "0003", card(12000))), adv(10 * time.Minute)},
			want:  []string{"amount_mismatch/raised"}, conf: High},
		{name: "a coupon slip (no money on it) between is no other checkout",
			steps: []step{obs(ok), obs(sale(0, 3550, "000103")), obs(coupon(20 * sec)), obs(rcpt(40*sec, "0003", card(12000))), adv(10 * time.Minute)},
			want:  []string{"amount_mismatch/raised"}, conf: High},
		{name: "receipt first, sale approved while the printer is out of paper",
			steps: []step{obs(ok), obs(rcpt(0, "0001", card(12000))), obs(status(5*sec, paperEnd)), obs(sale(6*sec, 3550, "000103")), obs(status(60*sec, nil)), adv(10 * time.Minute)},
			want:  []string{"printer_fault/raised", "printer_fault/resolved", "payment_without_receipt/raised", "receipt_without_payment/raised"}},
		{name: "receipt first on a lane of unknown order: medium",
			steps: []step{obs(ok), obs(rcpt(0, "0001", card(12000))), obs(sale(10*sec, 3550, "000103")), adv(10 * time.Minute)},
			want:  []string{"amount_mismatch/raised"}, conf: Medium},
		{name: "receipt first and another candidate: low",
			steps: []step{obs(ok), obs(rcpt(0, "0001", card(12000))), obs(sale(10*sec, 3550, "000103")), obs(sale(20*sec, 4000, "000104")), adv(10 * time.Minute)},
			want:  []string{"amount_mismatch/raised", "payment_without_receipt/raised"}, conf: Low},
		{name: "payment first with a keying slip: high",
			steps: []step{obs(ok), obs(sale(0, 1200, "000102")), obs(rcpt(2*sec, "0003", card(12000))), adv(10 * time.Minute)},
			want:  []string{"amount_mismatch/raised"}, conf: High},
		{name: "receipt first with a keying slip: high",
			steps: []step{obs(ok), obs(rcpt(0, "0003", card(12000))), obs(sale(10*sec, 1200, "000102")), adv(10 * time.Minute)},
			want:  []string{"amount_mismatch/raised"}, conf: High},
		{name: "payment-first lane: a receipt well before an unrelated sale",
			steps: append(paymentFirstLane(10), obs(rcpt(420*sec, "0011", card(8600))), obs(sale(450*sec, 1990, "000300")), adv(20*time.Minute)),
			want:  []string{"receipt_without_payment/raised", "payment_without_receipt/raised"}},
		{name: "payment-first lane, too few matches to know: paired",
			steps: append(paymentFirstLane(5), obs(rcpt(220*sec, "0011", card(8600))), obs(sale(250*sec, 1990, "000300")), adv(20*time.Minute)),
			want:  []string{"amount_mismatch/raised"}, conf: Medium},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := run(New(Config{Site: "s1", Lane: "l1"}), tc.steps)
			if k := kinds(got); !slices.Equal(k, tc.want) {
				for _, a := range got {
					t.Log(a.Summary)
				}
				t.Fatalf("alerts = %v, want %v", k, tc.want)
			}
			for _, a := range got {
				if a.Kind == KindAmountMismatch && a.State == Raised && a.Confidence != tc.conf {
					t.Errorf("confidence %q, want %q (%s)", a.Confidence, tc.conf, a.Summary)
				}
				if a.Kind != KindAmountMismatch && a.Confidence != "" {
					t.Errorf("%s carries confidence %q", a.Kind, a.Confidence)
				}
			}
		})
	}
}

// paymentFirstLane is n clean checkouts, one every 40s from 5s, each paid
// and then printed 2s later.
func paymentFirstLane(n int) []step {
	s := []step{obs(status(-60*sec, nil))}
	for i := range n {
		at := time.Duration(5+40*i) * sec
		amt := int64(1000 + 713*i)
		tr := "0002" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		s = append(s, obs(sale(at, amt, tr)), obs(rcpt(at+2*sec, "00"+tr[4:], card(amt))))
	}
	return s
}

// reprint marks a receipt job as a reprint (a copy).
func reprint(r *drivers.Receipt) *drivers.Receipt {
	r.Reprint = true
	return r
}

// coupon is a cut job with no money on it (a coupon or loyalty slip).
func coupon(at time.Duration) *drivers.Receipt {
	return &drivers.Receipt{
		Head:  drivers.Head{Time: t0.Add(at), Device: "printer"},
		Start: t0.Add(at - sec), Cut: true, Ended: "cut",
		Lines: []drivers.Line{{Text: "10% OFF YOUR NEXT VISIT"}},
	}
}

// TestRefundPairing: a terminal refund and a register refund receipt of
// other amounts are one return (amount_mismatch on the refund, delta =
// terminal - register as magnitudes) unless another checkout lies between.
func TestRefundPairing(t *testing.T) {
	ok := status(-60*sec, nil)
	sold := []step{obs(ok), obs(sale(-60*sec, 5800, "000470")), obs(rcpt(-58*sec, "0050", card(5800)))}
	tests := []struct {
		name  string
		steps []step
		want  []string
		delta int64
		conf  Confidence
	}{
		{name: "over-refund, receipt first",
			steps: append(slices.Clone(sold), obs(rcpt(0, "0051", card(-5800))), obs(refund(10*sec, 58000, "000481")), adv(10*time.Minute)),
			want:  []string{"amount_mismatch/raised"}, delta: 52200, conf: High},
		{name: "under-refund, terminal first",
			steps: append(slices.Clone(sold), obs(refund(0, 580, "000481")), obs(rcpt(10*sec, "0051", card(-5800))), adv(10*time.Minute)),
			want:  []string{"amount_mismatch/raised"}, delta: -5220, conf: High},
		{name: "void of a receipted sale for less than the refund receipt",
			steps: append(slices.Clone(sold), obs(void(0, 5000, "000481", "000470")), obs(rcpt(10*sec, "0051", card(-5800))), adv(10*time.Minute)),
			want:  []string{"amount_mismatch/raised"}, delta: -800, conf: High},
		{name: "exact refund needs nothing",
			steps: append(slices.Clone(sold), obs(rcpt(0, "0051", card(-5800))), obs(refund(10*sec, 5800, "000481")), adv(10*time.Minute))},
		{name: "another checkout between a refund receipt and a later refund",
			steps: append(slices.Clone(sold), obs(rcpt(0, "0051", card(-5800))), obs(rcpt(20*sec, "0052", cash(1000))), obs(refund(40*sec, 1990, "000481")), adv(10*time.Minute)),
			want:  []string{"receipt_without_payment/raised", "refund_without_sale/raised"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := run(New(Config{Site: "s1", Lane: "l1"}), tc.steps)
			if k := kinds(got); !slices.Equal(k, tc.want) {
				for _, a := range got {
					t.Log(a.Summary)
				}
				t.Fatalf("alerts = %v, want %v", k, tc.want)
			}
			for _, a := range got {
				if a.Kind != KindAmountMismatch {
					continue
				}
				if a.Delta == nil || *a.Delta != tc.delta || a.Confidence != tc.conf || a.Payment == nil || a.Receipt == nil {
					t.Errorf("delta %v confidence %q, want %d %q: %+v", a.Delta, a.Confidence, tc.delta, tc.conf, a)
				}
			}
		})
	}
}
