package scenarios

import (
	"testing"
)

// TestNoisyShift replays a clean 300-checkout shift with eight real
// incidents (sim.IncidentShift) through a noisy tap: 1 byte in 10,000 of
// the agent's copy flipped or dropped, five noise seeds. No incident of
// the clean replay may be lost (kept as its kind, or as an alert about the
// same receipt or payment that says its evidence was damaged), and no
// critical alert may appear that the clean replay did not raise.
func TestNoisyShift(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		o, err := NoisyShift(1, 300, seed, 1e-4, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Clean) < 12 {
			t.Fatalf("clean replay raised %d alerts, want the shift's incidents: %q", len(o.Clean), Labels(o.Clean))
		}
		for _, a := range o.Lost {
			t.Errorf("noise seed %d: incident lost: %s %s", seed, a.Kind, a.Summary)
		}
		for _, a := range o.Extra {
			t.Errorf("noise seed %d: extra critical alert: %s %s", seed, a.Kind, a.Summary)
		}
	}
}
