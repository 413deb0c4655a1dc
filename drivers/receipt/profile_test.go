package receipt

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/golden"
)

// TestLoadErrors loads each broken profile and compares its error with
// the golden .err file; ok.yaml must load.
func TestLoadErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/load/*.yaml")
	if err != nil || len(files) < 2 {
		t.Fatalf("no profiles: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			p, err := Load(f)
			if name == "ok" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if p.Name != "shop" || p.Currency != "EUR" || len(p.Tenders[drivers.TenderCard]) != 2 {
					t.Errorf("profile = %+v", p)
				}
				return
			}
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
			golden.CheckString(t, strings.TrimSuffix(f, ".yaml")+".err", err.Error()+"\n")
		})
	}
}

// TestLoadMissingFile names the file and wraps the os error.
func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "receipt: ") {
		t.Fatalf("err = %v", err)
	}
}

// TestBuiltin: generic loads, is a fresh copy each time; unknown names fail.
func TestBuiltin(t *testing.T) {
	a, err := Builtin("generic")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Builtin("generic")
	if a == b || a.Name != "generic" || len(a.Labels.Total) == 0 {
		t.Fatalf("generic = %+v", a)
	}
	if _, err := Builtin("nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("unknown builtin: %v", err)
	}
}
