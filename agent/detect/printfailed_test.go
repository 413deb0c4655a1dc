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

// TestFailedJobDecidedAtOnce: a job whose failure is certain is decided
// when the evidence arrives, not StatusGrace later (ARCHITECTURE.md: the
// windows bound waiting), with the id it always had.
func TestFailedJobDecidedAtOnce(t *testing.T) {
	tests := []struct {
		name    string
		steps   []step
		decided time.Duration
	}{
		{name: "never cut", steps: []step{obs(status(-60*sec, nil)), obs(uncut(rcpt(2*sec, "0004", cash(500)), "idle"))}, decided: 2 * sec},
		{name: "paper end during the job", steps: []step{obs(status(-60*sec, nil)), obs(status(sec, paperEnd)), obs(rcpt(2*sec, "0005", card(3550)))}, decided: 2 * sec},
		{name: "paper end right after the cut", steps: []step{obs(status(-60*sec, nil)), obs(rcpt(2*sec, "0005", card(3550))), obs(status(3500*time.Millisecond, paperEnd))}, decided: 3500 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New(Config{Site: "s1", Lane: "l1"})
			var got []Alert
			for _, s := range tc.steps {
				got = append(got, e.Observe(s.ev)...)
			}
			i := slices.IndexFunc(got, func(a Alert) bool { return a.Kind == KindPrintFailed })
			if i < 0 {
				t.Fatalf("no print_failed on arrival: %v", kinds(got))
			}
			if !got[i].Detected.Equal(t0.Add(tc.decided)) {
				t.Errorf("decided at %v, want %v", got[i].Detected.Sub(t0), tc.decided)
			}
			// The same events with a coarse clock decide the same ids.
			later := run(New(Config{Site: "s1", Lane: "l1"}), append(slices.Clone(tc.steps), adv(time.Minute)))
			j := slices.IndexFunc(later, func(a Alert) bool { return a.Kind == KindPrintFailed })
			if j < 0 || later[j].ID != got[i].ID {
				t.Errorf("ids differ: at once %s, ticked %v", got[i].ID, ids(later))
			}
		})
	}
}

// TestDeadline: the next decision's time, for a caller's one timer.
func TestDeadline(t *testing.T) {
	e := New(DefaultConfig())
	if _, ok := e.NextDeadline(); ok {
		t.Fatal("deadline with nothing pending")
	}
	e.Observe(sale(0, 2040, "000470"))
	if at, ok := e.NextDeadline(); !ok || !at.Equal(t0.Add(92*sec)) {
		t.Fatalf("deadline %v %v, want the receipt wait (90s + 2s skew)", at.Sub(t0), ok)
	}
	e.Observe(rcpt(3*sec, "0042", card(2040)))
	if at, ok := e.NextDeadline(); !ok || !at.Equal(t0.Add(6*sec)) {
		t.Fatalf("deadline %v %v, want the job's grace (3s after its cut)", at.Sub(t0), ok)
	}
	e.Advance(t0.Add(6 * sec))
	if at, ok := e.NextDeadline(); ok {
		t.Fatalf("deadline %v after the sale matched its receipt", at.Sub(t0))
	}
}
