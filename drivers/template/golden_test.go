package template

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/golden"
)

// caseSteps returns a golden case's input as steps: mispos keeps both
// directions (generated), linelog is device bytes.
func caseSteps(t *testing.T, name string) []step {
	t.Helper()
	path := filepath.Join("testdata", name, "input")
	if name == "mispos" {
		steps := misposSession(t, "622848******1234")
		var all []byte
		for _, s := range steps {
			all = append(all, s.data...)
		}
		golden.Check(t, path, all) // the committed input is what the generator writes
		return steps
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return []step{{drivers.FromDevice, b}}
}

// TestGolden decodes each case with its template, whole and in small
// chunks (the same events), and compares with expected.jsonl.
// Regenerate with: go test ./drivers/template -run TestGolden -update
func TestGolden(t *testing.T) {
	for _, name := range []string{"linelog", "mispos"} {
		t.Run(name, func(t *testing.T) {
			tpl := mustLoad(t, name)
			steps := caseSteps(t, name)
			got := marshal(t, run(New(tpl), steps, 0))
			for _, n := range []int{1, 5} {
				if c := marshal(t, run(New(tpl), steps, n)); !bytes.Equal(c, got) {
					t.Errorf("chunks of %d differ:\n%s\n%s", n, c, got)
				}
			}
			if len(got) == 0 {
				t.Errorf("no events")
			}
			golden.Check(t, filepath.Join("testdata", name, "expected.jsonl"), got)
		})
	}
}

func marshal(t testing.TB, evs []drivers.Event) []byte {
	var out []byte
	for _, e := range evs {
		b, err := drivers.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, b...), '\n')
	}
	return out
}
