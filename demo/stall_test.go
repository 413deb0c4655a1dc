package demo

import (
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/sim"
)

// TestDemoShiftAfterAStall replays the demo shift as the agent stamps it
// when the whole process stalls under load from just before the "NO
// RECEIPT" sale is approved until after the paper was replaced: each
// line's reader reads what piled up when it runs again, the printer's
// first, so the approval is stamped after the status saying the printer is
// fine again. This is how TestDemoEndToEnd once failed under load with
// "payment_without_receipt: want printer evidence paper_end": the
// detector took the printer state at the approval's stamp. The fault was
// in force within detect.clock_skew of it, so it is still the likely
// cause.
func TestDemoShiftAfterAStall(t *testing.T) {
	writes, err := sim.Compile(sim.DemoShift())
	if err != nil {
		t.Fatal(err)
	}
	start := sim.DefaultStart
	recs := sim.Records(writes, start, nil)
	from, resume := start.Add(14*time.Second), start.Add(18*time.Second+300*time.Millisecond)
	var stalled []capture.Record
	recs = slices.DeleteFunc(recs, func(r capture.Record) bool {
		if r.Time.Before(from) || !r.Time.Before(resume) {
			return false
		}
		stalled = append(stalled, r)
		return true
	})
	// The printer's reader runs first, then the terminal's, each reading
	// its line's bytes as one chunk per write, a microsecond apart.
	slices.SortStableFunc(stalled, func(a, b capture.Record) int {
		if a.Dev == b.Dev {
			return 0
		}
		if a.Dev == sim.PrinterName {
			return -1
		}
		return 1
	})
	for i := range stalled {
		stalled[i].Time = resume.Add(time.Duration(i) * time.Microsecond)
	}
	recs = append(recs, stalled...)
	slices.SortStableFunc(recs, func(a, b capture.Record) int { return a.Time.Compare(b.Time) })

	wires, err := sim.OpenWires()
	if err != nil {
		t.Skipf("no ptys: %v", err)
	}
	defer wires.Close()
	ln, err := lane.New(Config(t.TempDir(), "tcp://127.0.0.1:1", wires))
	if err != nil {
		t.Fatal(err)
	}
	var pwr []detect.Alert
	if _, err := lane.Replay(ln, recs, func(a detect.Alert) error {
		if a.Kind == detect.KindPaymentWithoutReceipt {
			pwr = append(pwr, a)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(pwr) != 1 || pwr[0].Payment == nil || pwr[0].Payment.Trace != "000103" {
		t.Fatalf("want one payment_without_receipt for trace 000103, got %+v", pwr)
	}
	if !pwr[0].Payment.Time.After(start.Add(18 * time.Second)) {
		t.Fatalf("the stall did not move the approval after the paper was replaced: approved %v", pwr[0].Payment.Time)
	}
	if p := pwr[0].Printer; p == nil || !p.PaperEnd {
		t.Errorf("printer evidence %+v, want paper_end (%s)", p, pwr[0].Summary)
	}
}
