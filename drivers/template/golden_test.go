package template

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// caseSteps returns a golden case's input as steps: mispos keeps both
// directions (generated), linelog is device bytes.
func caseSteps(t *testing.T, name string) []step {
	t.Helper()
	path := filepath.Join("testdata", name, "input")
	if name == "mispos" {
		steps := misposSession(t, "622848******1234")
		if *update {
			var all []byte
			for _, s := range steps {
				all = append(all, s.data...)
			}
			if err := os.WriteFile(path, all, 0o644); err != nil {
				t.Fatal(err)
			}
		}
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
			path := filepath.Join("testdata", name, "expected.jsonl")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(got, want) || len(want) == 0 {
				t.Errorf("events differ from %s\n got %s\nwant %s", path, got, want)
			}
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
