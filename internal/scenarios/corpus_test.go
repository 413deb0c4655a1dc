package scenarios

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"testing"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/internal/golden"
)

// corpus is the scenario directory at the repository root.
const corpus = "../../testdata/scenarios"

// TestCorpus compiles every scenario, checks the committed capture is what
// the description compiles to, replays the committed capture as `tillwatch
// replay` would, and compares the alerts with the hand-written labels
// (kinds and states) and with the golden alerts (ids and all).
func TestCorpus(t *testing.T) {
	cases, err := Load(corpus)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Errorf("%d scenarios, want at least 40", len(cases))
	}
	counts := map[string]Counts{}
	covered := map[string]bool{}
	for _, c := range cases {
		for _, l := range c.Scenario.Expect {
			covered[l] = true
		}
		t.Run(c.Name, func(t *testing.T) {
			h, recs, err := c.Scenario.Capture()
			if err != nil {
				t.Fatal(err)
			}
			b, err := EncodeCapture(h, recs)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, c.CapturePath(), b)
			got, err := ReplayFile(c.CapturePath())
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Sorted(slices.Values(c.Scenario.Expect))
			if have := Labels(got); !slices.Equal(have, want) {
				for _, a := range got {
					t.Logf("%s %s: %s", a.Kind, a.State, a.Summary)
				}
				t.Errorf("alerts %q, want %q", have, want)
			}
			Score(counts, want, Labels(got))
			golden.Check(t, c.AlertsPath(), alertLines(t, got))
		})
	}
	for _, k := range detect.Rules() {
		if !covered[k+" raised"] {
			t.Errorf("no scenario expects %s", k)
		}
	}
	var tb bytes.Buffer
	if err := WriteTable(&tb, counts); err != nil {
		t.Fatal(err)
	}
	t.Logf("precision and recall over %d scenarios:\n%s", len(cases), tb.String())
}

// alertLines is alerts as JSON Lines, as `tillwatch replay` prints them.
func alertLines(t *testing.T, as []detect.Alert) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, a := range as {
		line, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	long := regexp.MustCompile(`\d{11,}`)
	for _, a := range as {
		if long.MatchString(a.Summary) || (a.Payment != nil && long.MatchString(a.Payment.Card)) {
			t.Errorf("a long digit run (card number?) in alert %+v", a)
		}
	}
	return b.Bytes()
}
