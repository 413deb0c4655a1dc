package detect

import (
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestUnansweredJobFails: a job whose status request went unanswered
// (Receipt.Unanswered, see drivers/escpos) did not print: print_failed,
// its sale stays without a receipt, and the printer evidence says no reply.
func TestUnansweredJobFails(t *testing.T) {
	r := rcpt(2*sec, "0005", card(3550))
	r.Unanswered = true
	noReply := &drivers.PrinterStatus{Head: drivers.Head{Time: t0.Add(5*sec + 10*time.Millisecond), Device: "printer"}, NoReply: true, Via: "timeout"}
	got := run(New(Config{Site: "s1", Lane: "l1"}), []step{obs(status(-60*sec, nil)), obs(sale(0, 3550, "000103")), obs(r), obs(noReply), adv(5 * time.Minute)})
	want := []string{"print_failed/raised", "printer_fault/raised", "payment_without_receipt/raised"}
	if k := kinds(got); !slices.Equal(k, want) {
		t.Fatalf("alerts = %v, want %v", k, want)
	}
	if pf := got[0]; !pf.Printer.NoReply || pf.Severity != Warning {
		t.Errorf("print_failed = %+v, want a warning with printer no_reply", pf)
	}
}
