package slip

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/golden"
)

// goldenCase is what a golden file holds: the slip, and the payment it makes.
type goldenCase struct {
	NotSlip bool  `json:"not_slip,omitempty"`
	Slip    *Slip `json:"slip,omitempty"`
	Payment any   `json:"payment,omitempty"`
}

// readLines reads a slip text file.
func readLines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

func TestGolden(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 15, 5, 0, time.UTC)
	for _, name := range []string{"unionpay", "de-en"} {
		prof, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join("testdata", name, "*.txt"))
		if len(files) == 0 {
			t.Fatalf("no testdata for %s", name)
		}
		for _, f := range files {
			t.Run(name+"/"+filepath.Base(f), func(t *testing.T) {
				var g goldenCase
				s, err := prof.Read(readLines(t, f))
				switch {
				case errors.Is(err, ErrNotSlip):
					g.NotSlip = true
				case err != nil:
					t.Fatal(err)
				default:
					g.Slip = s
					if p := s.Payment(at); p != nil {
						g.Payment = p
					}
				}
				got, err := json.MarshalIndent(g, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, '\n')
				golden.Check(t, strings.TrimSuffix(f, ".txt")+".json", got)
			})
		}
	}
}
