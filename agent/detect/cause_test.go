package detect

import (
	"testing"
	"time"
)

// TestLikelyCauseAcrossReadStamps: the printer's and the terminal's reads
// are stamped by two readers, so under load the approval of a sale made
// while the printer was out of paper can be stamped after the status that
// says the paper was replaced (the demo's "NO RECEIPT" sale once came out
// with "printer reported no fault"). A fault in force within ClockSkew
// before the approval is the likely cause; one that cleared longer ago is
// not.
func TestLikelyCauseAcrossReadStamps(t *testing.T) {
	cfg := DefaultConfig()
	for _, tc := range []struct {
		name      string
		clearedAt time.Duration // the paper replaced; the sale is approved at 10s
		paperEnd  bool
	}{
		{"cleared after the approval", 12 * sec, true},
		{"cleared just before the approval's stamp", 10*sec - time.Millisecond, true},
		{"cleared just within the clock skew", 10*sec - cfg.ClockSkew + time.Millisecond, true},
		{"cleared the clock skew before", 10*sec - cfg.ClockSkew, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := run(New(cfg), []step{
				obs(status(0, nil)), obs(status(5*sec, paperEnd)), obs(status(tc.clearedAt, nil)),
				obs(sale(10*sec, 3550, "000103")),
			})
			var pwr *Alert
			for i := range got {
				if got[i].Kind == KindPaymentWithoutReceipt {
					pwr = &got[i]
				}
			}
			if pwr == nil {
				t.Fatalf("no payment_without_receipt: %v", kinds(got))
			}
			if pwr.Printer == nil || !pwr.Printer.Known || pwr.Printer.PaperEnd != tc.paperEnd {
				t.Errorf("printer evidence %+v, want paper_end %v (%s)", pwr.Printer, tc.paperEnd, pwr.Summary)
			}
		})
	}
}
