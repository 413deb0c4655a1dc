package scenarios

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/sim"
)

// Noise returns a copy of capture records as a noisy tap would have read
// them (a long Y-cable, an overrun USB-serial adapter): each byte, with
// probability rate, is flipped (one random bit) or dropped, half each.
// Only the agent's copy is damaged: the register and the devices talked
// undisturbed, so nothing else changes. The same seed gives the same noise.
func Noise(recs []capture.Record, seed uint64, rate float64) []capture.Record {
	rng := rand.New(rand.NewPCG(seed*0x9E3779B97F4A7C15, seed^0x4e01))
	out := make([]capture.Record, 0, len(recs))
	for _, r := range recs {
		if r.Link != "" || len(r.Data) == 0 {
			out = append(out, r)
			continue
		}
		data := make([]byte, 0, len(r.Data))
		for _, b := range r.Data {
			if rng.Float64() >= rate {
				data = append(data, b)
				continue
			}
			if rng.IntN(2) == 0 {
				data = append(data, b^(1<<rng.IntN(8)))
			} // else dropped
		}
		if len(data) > 0 {
			r.Data = data
			out = append(out, r)
		}
	}
	return out
}

// NoiseOutcome compares the alerts of a shift replayed clean and replayed
// through Noise.
type NoiseOutcome struct {
	Checkouts int
	Clean     []detect.Alert // raised, replayed clean
	// Degraded are clean incidents the noisy replay reported only as
	// another kind, about the same receipt or payment, saying its
	// evidence was damaged (a refund whose terminal frame was lost shows
	// as its refund receipt without a refund).
	Degraded []detect.Alert
	Lost     []detect.Alert // clean incidents the noisy replay did not report
	Extra    []detect.Alert // critical alerts raised only by the noisy replay
	Damaged  int            // noisy alerts that say their evidence may sit in damaged bytes
}

// NoisyShift replays sim.IncidentShift(shiftSeed, n) clean and with noise
// (Noise(noiseSeed, rate)), and compares. An incident counts as kept when
// the noisy replay raised the same kind within 5 s of its time (its ids
// may differ: a flipped byte anywhere in a receipt changes its identity);
// a noisy critical alert matching no clean one is extra.
func NoisyShift(shiftSeed uint64, n int, noiseSeed uint64, rate float64, ignoreDamage bool) (NoiseOutcome, error) {
	acts, _ := sim.IncidentShift(shiftSeed, n)
	ws, err := sim.Compile(acts)
	if err != nil {
		return NoiseOutcome{}, fmt.Errorf("scenarios: %w", err)
	}
	h, err := sim.Header("s1", "l1", nil)
	if err != nil {
		return NoiseOutcome{}, fmt.Errorf("scenarios: %w", err)
	}
	recs := sim.Records(ws, sim.DefaultStart, nil)
	clean, err := replayWith(h, recs, ignoreDamage)
	if err != nil {
		return NoiseOutcome{}, err
	}
	noisy, err := replayWith(h, Noise(recs, noiseSeed, rate), ignoreDamage)
	if err != nil {
		return NoiseOutcome{}, err
	}
	o := NoiseOutcome{Checkouts: n}
	raised := func(as []detect.Alert) []detect.Alert {
		return slices.DeleteFunc(slices.Clone(as), func(a detect.Alert) bool { return a.State != detect.Raised })
	}
	o.Clean = raised(clean)
	nr := raised(noisy)
	near := func(a, b detect.Alert) bool {
		d := a.Time.Sub(b.Time)
		return a.Kind == b.Kind && d <= 5*time.Second && d >= -5*time.Second
	}
	sameEvidence := func(a, c detect.Alert) bool {
		if a.Damage == nil {
			return false
		}
		if a.Receipt != nil && c.Receipt != nil && a.Receipt.Number != "" && a.Receipt.Number == c.Receipt.Number {
			return true
		}
		return a.Payment != nil && c.Payment != nil && a.Payment.Trace != "" && a.Payment.Trace == c.Payment.Trace
	}
	for _, c := range o.Clean {
		switch {
		case slices.ContainsFunc(nr, func(a detect.Alert) bool { return near(a, c) }):
		case slices.ContainsFunc(nr, func(a detect.Alert) bool { return sameEvidence(a, c) }):
			o.Degraded = append(o.Degraded, c)
		default:
			o.Lost = append(o.Lost, c)
		}
	}
	for _, a := range nr {
		if a.Damage != nil {
			o.Damaged++
		}
		if a.Severity == detect.Critical && !slices.ContainsFunc(o.Clean, func(c detect.Alert) bool { return near(a, c) }) {
			o.Extra = append(o.Extra, a)
		}
	}
	return o, nil
}

// replayWith is Replay, optionally with a detector that ignores what the
// decoders report as damaged (for a before/after comparison).
func replayWith(h *capture.Header, recs []capture.Record, ignoreDamage bool) ([]detect.Alert, error) {
	cfg, err := lane.ConfigFromHeader(h)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	l, err := lane.New(cfg, func(dc *detect.Config) { dc.IgnoreDamage = ignoreDamage })
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	var out []detect.Alert
	if _, err := lane.Replay(l, recs, func(a detect.Alert) error { out = append(out, a); return nil }); err != nil {
		return nil, fmt.Errorf("scenarios: replay: %w", err)
	}
	return out, nil
}
