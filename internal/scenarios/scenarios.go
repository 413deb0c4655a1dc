package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/sim"
)

// Case is one scenario of the corpus.
type Case struct {
	Name     string
	Path     string // the .yaml file
	Scenario *sim.Scenario
}

// CapturePath is where the case's compiled capture is kept.
func (c Case) CapturePath() string {
	return strings.TrimSuffix(c.Path, ".yaml") + ".capture.jsonl"
}

// AlertsPath is where the case's golden alerts are kept.
func (c Case) AlertsPath() string {
	return strings.TrimSuffix(c.Path, ".yaml") + ".alerts.jsonl"
}

// Load reads every *.yaml scenario in dir, in name order.
func Load(dir string) ([]Case, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	sort.Strings(paths)
	var cs []Case
	for _, p := range paths {
		sc, err := sim.LoadScenario(p)
		if err != nil {
			return nil, fmt.Errorf("scenarios: %w", err)
		}
		name := strings.TrimSuffix(filepath.Base(p), ".yaml")
		if sc.Name != name {
			return nil, fmt.Errorf("scenarios: %s: name %q differs from the file name", p, sc.Name)
		}
		cs = append(cs, Case{Name: name, Path: p, Scenario: sc})
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("scenarios: no *.yaml in %s", dir)
	}
	return cs, nil
}

// EncodeCapture writes a capture file's bytes.
func EncodeCapture(h *capture.Header, recs []capture.Record) ([]byte, error) {
	var b bytes.Buffer
	w, err := capture.NewWriter(&b, h)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			return nil, fmt.Errorf("scenarios: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	return b.Bytes(), nil
}

// ReplayFile replays a capture file as `tillwatch replay FILE` does.
func ReplayFile(path string) ([]detect.Alert, error) {
	h, recs, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Replay(h, recs)
}

// ReadFile reads a capture file: its header (nil when it has none) and
// its records in time order. A bad line is an error naming it.
func ReadFile(path string) (*capture.Header, []capture.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("scenarios: %w", err)
	}
	defer f.Close()
	rd := capture.NewReader(f)
	h, err := rd.Header()
	if err != nil {
		return nil, nil, fmt.Errorf("scenarios: %s: %w", path, err)
	}
	var bad error
	recs, err := lane.ReadCaptures([]*capture.Reader{rd}, func(e error) { bad = errors.Join(bad, e) })
	if err != nil {
		return nil, nil, fmt.Errorf("scenarios: %s: %w", path, err)
	}
	if bad != nil {
		return nil, nil, fmt.Errorf("scenarios: %s: %w", path, bad)
	}
	return h, recs, nil
}

// Replay runs records through a fresh lane built from the header.
func Replay(h *capture.Header, recs []capture.Record) ([]detect.Alert, error) {
	return replayWith(h, recs, false)
}

// Labels lists "kind state" of alerts, sorted.
func Labels(as []detect.Alert) []string {
	var ls []string
	for _, a := range as {
		ls = append(ls, a.Kind+" "+string(a.State))
	}
	slices.Sort(ls)
	return ls
}

// Counts are one kind's true positives, false positives and false
// negatives over the corpus.
type Counts struct{ TP, FP, FN int }

// Precision is TP/(TP+FP); 1 when nothing was raised.
func (c Counts) Precision() float64 {
	if c.TP+c.FP == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// Recall is TP/(TP+FN); 1 when nothing was expected.
func (c Counts) Recall() float64 {
	if c.TP+c.FN == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// Score adds one scenario's outcome to per-kind counts: expected and got
// are "kind state" labels; each is matched at most once.
func Score(into map[string]Counts, expected, got []string) {
	left := slices.Clone(got)
	for _, w := range expected {
		kind, _, _ := strings.Cut(w, " ")
		c := into[kind]
		if i := slices.Index(left, w); i >= 0 {
			c.TP++
			left = slices.Delete(left, i, i+1)
		} else {
			c.FN++
		}
		into[kind] = c
	}
	for _, g := range left {
		kind, _, _ := strings.Cut(g, " ")
		c := into[kind]
		c.FP++
		into[kind] = c
	}
}
