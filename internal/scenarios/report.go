package scenarios

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/sim"
)

// BusyCapture compiles the busy clean shift of n checkouts (seed 1, see
// sim.BusyShift) into a capture file's bytes.
func BusyCapture(n int) ([]byte, error) {
	ws, err := sim.Compile(sim.BusyShift(1, n))
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	h, err := sim.Header("s1", "l1", nil)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	return EncodeCapture(h, sim.Records(ws, sim.DefaultStart, nil))
}

// Report replays every committed capture of the corpus in dir and the busy
// clean shift of busy checkouts (none when 0), and writes one line per
// scenario that differs from its labels and the precision/recall table.
func Report(w io.Writer, dir string, busy int) error {
	cases, err := Load(dir)
	if err != nil {
		return err
	}
	counts := map[string]Counts{}
	for _, c := range cases {
		got, err := ReplayFile(c.CapturePath())
		if err != nil {
			return err
		}
		want := slices.Sorted(slices.Values(c.Scenario.Expect))
		have := Labels(got)
		if !slices.Equal(want, have) {
			fmt.Fprintf(w, "%s: got %q, want %q\n", c.Name, have, want)
		}
		Score(counts, want, have)
	}
	n := len(cases)
	if busy > 0 {
		b, err := BusyCapture(busy)
		if err != nil {
			return err
		}
		tmp, err := os.MkdirTemp("", "tillwatch-scenarios")
		if err != nil {
			return fmt.Errorf("scenarios: %w", err)
		}
		defer os.RemoveAll(tmp)
		path := filepath.Join(tmp, "busy.capture.jsonl")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return fmt.Errorf("scenarios: %w", err)
		}
		start := time.Now()
		got, err := ReplayFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "busy clean shift: %d checkouts, %.1f MB capture, replayed in %v, %d alerts\n",
			busy, float64(len(b))/1e6, time.Since(start).Round(time.Millisecond), len(got))
		Score(counts, nil, Labels(got))
		n++
	}
	fmt.Fprintf(w, "precision and recall over %d scenarios (%s):\n", n, dir)
	if err := WriteTable(w, counts); err != nil {
		return err
	}
	return NoiseReport(w, 10, 300)
}

// NoiseReport replays the 300-checkout incident shift through seeds noisy
// taps (1 byte in 10,000 flipped or dropped) with the detector ignoring
// the damage the decoders report and with it, and writes false critical
// alerts per 1,000 checkouts and incidents lost, kept and degraded.
func NoiseReport(w io.Writer, seeds, checkouts int) error {
	fmt.Fprintf(w, "noisy tap: incident shift of %d checkouts, %d noise seeds, 1 byte in 10,000 flipped or dropped on the agent's copy:\n", checkouts, seeds)
	for _, ignore := range []bool{true, false} {
		var extra, lost, degraded, kept, damaged int
		for seed := range uint64(seeds) {
			o, err := NoisyShift(1, checkouts, seed+1, 1e-4, ignore)
			if err != nil {
				return err
			}
			extra, lost, degraded, damaged = extra+len(o.Extra), lost+len(o.Lost), degraded+len(o.Degraded), damaged+o.Damaged
			kept += len(o.Clean) - len(o.Lost) - len(o.Degraded)
		}
		how := "damage reported by the decoders used"
		if ignore {
			how = "damage ignored (as before)    "
		}
		fmt.Fprintf(w, "  %s: %.1f false critical alerts per 1,000 checkouts (%d); incidents kept %d, degraded %d, lost %d; %d alerts say their evidence may be damaged\n",
			how, float64(extra)*1000/float64(seeds*checkouts), extra, kept, degraded, lost, damaged)
	}
	return nil
}
