package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/internal/golden"
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
				args := []string{"decode", "escpos", "--ocr", "none", f}
				if form.flag != "" {
					args = append(args, form.flag)
				}
				code, out, errOut := runCLI(t, args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				golden.CheckString(t, filepath.Join("testdata", "decode", name+"."+form.ext), out)
			})
		}
	}
}
