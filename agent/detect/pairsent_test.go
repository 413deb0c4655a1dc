package detect

import (
	"testing"
	"time"
)

// TestUnderChargeSameWhateverFaultFollows: an under-charged receipt whose
// sale came first is decided when it arrives, and a fault after its cut
// (within StatusGrace, read before or after the receipt reached the
// detector) adds print_failed without changing the amount_mismatch: the
// same alert, id, evidence and detection time.
func TestUnderChargeSameWhateverFaultFollows(t *testing.T) {
	base := []step{obs(status(-60*sec, nil)), obs(sale(0, 1200, "000102")), obs(rcpt(2*sec, "0003", card(12000)))}
	mismatch := func(steps []step) (Alert, []string) {
		t.Helper()
		got := run(New(DefaultConfig()), append(steps, adv(10*time.Minute)))
		for _, a := range got {
			if a.Kind == KindAmountMismatch {
				return a, kinds(got)
			}
		}
		t.Fatalf("no amount_mismatch: %v", kinds(got))
		return Alert{}, nil
	}
	want, k := mismatch(base)
	if len(k) != 1 || !want.Detected.Equal(t0.Add(2*sec)) {
		t.Fatalf("no fault: %v, detected %v; want only the mismatch, when the receipt arrives", k, want.Detected.Sub(t0))
	}
	for name, steps := range map[string][]step{
		"fault read after the receipt":  append(base[:len(base):len(base)], obs(status(4*sec, paperEnd))),
		"fault read before the receipt": {base[0], base[1], obs(status(3*sec, paperEnd)), base[2]},
	} {
		t.Run(name, func(t *testing.T) {
			got, k := mismatch(steps)
			if got.ID != want.ID || got.Incident != want.Incident || withoutDetected(t, []Alert{got}) != withoutDetected(t, []Alert{want}) {
				t.Errorf("mismatch changed:\n%+v\nwant\n%+v", got, want)
			}
			pf, pwr := 0, 0
			for _, s := range k {
				switch s {
				case "print_failed/raised":
					pf++
				case "payment_without_receipt/raised":
					pwr++
				}
			}
			if pf != 1 || pwr != 0 {
				t.Errorf("alerts %v: want one print_failed and no payment_without_receipt", k)
			}
		})
	}
}
