package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDecodeEscposGolden runs `decode escpos` and `decode escpos --json`
// over every stream of the shared ESC/POS corpus (copied into
// drivers/escpos/testdata) and compares with testdata/decode/NAME.{txt,json};
// -update rewrites them.
func TestDecodeEscposGolden(t *testing.T) {
	files, err := filepath.Glob("../../drivers/escpos/testdata/*.bin")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".bin")
		for _, form := range []struct{ ext, flag string }{{"txt", ""}, {"json", "--json"}} {
			t.Run(name+"."+form.ext, func(t *testing.T) {
				args := []string{"decode", "escpos", f}
				if form.flag != "" {
					args = append(args, form.flag)
				}
				code, out, errOut := runCLI(t, args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				path := filepath.Join("testdata", "decode", name+"."+form.ext)
				if *update {
					if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("golden: %v (run with -update)", err)
				}
				if out != string(want) {
					t.Errorf("output differs from %s (run with -update and review the diff)", path)
				}
			})
		}
	}
}
