package main

import (
	"os"
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

// TestDecodeZvtGolden runs `decode zvt` and `decode zvt --json` over the
// 23 EVerest captures (drivers/zvt/testdata/everest: one APDU each, both
// directions, most of them no payment: register commands, intermediate
// status, completions, vendor messages) and compares stdout and the
// summary line with testdata/decode/zvt/NAME.{txt,json}. They printed
// nothing for 18 of them. -update rewrites them.
func TestDecodeZvtGolden(t *testing.T) {
	files, err := filepath.Glob("../../drivers/zvt/testdata/everest/*.blob")
	if err != nil || len(files) != 23 {
		t.Fatalf("want the 23 EVerest captures, have %d: %v", len(files), err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".blob")
		decodeGolden(t, filepath.Join("zvt", name), "zvt: 1 APDU(s)", "decode", "zvt", f)
	}
}

// decodeGolden runs a terminal decode verb (args) in text and --json form
// and compares stdout and the summary line (which must start with
// summary) with testdata/decode/NAME.{txt,json}. Neither form may show a
// time the input does not have, nor the text form JSON.
func decodeGolden(t *testing.T, name, summary string, args ...string) {
	t.Helper()
	for _, form := range []struct{ ext, flag string }{{"txt", ""}, {"json", "--json"}} {
		t.Run(filepath.Base(name)+"."+form.ext, func(t *testing.T) {
			args := args
			if form.flag != "" {
				args = append(args[:len(args):len(args)], form.flag)
			}
			code, out, errOut := runCLI(t, args...)
			if code != 0 || out == "" || !strings.HasPrefix(errOut, summary) {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			if strings.Contains(out, "1970-") || strings.Contains(out, "0001-01-01") {
				t.Errorf("a time the capture does not have:\n%s", out)
			}
			if form.ext == "txt" && strings.Contains(out, `{"`) {
				t.Errorf("JSON in text mode:\n%s", out)
			}
			golden.CheckString(t, filepath.Join("testdata", "decode", name+"."+form.ext), out+"--- stderr\n"+errOut)
		})
	}
}

// TestDecodeZvtDirections: with or without --from, each capture decodes
// (the direction only changes the sender shown and how a 04 0F is read),
// and standard input works.
func TestDecodeZvtDirections(t *testing.T) {
	f := "../../drivers/zvt/testdata/everest/1680728162.033575000_ecr_pt.blob"
	for _, from := range []string{"host", "device", "auto"} {
		code, out, errOut := runCLI(t, "decode", "zvt", "--from", from, f)
		if code != 0 || !strings.Contains(out, "06 22 Reservation (pre-authorisation): amount EUR 25.00") {
			t.Errorf("--from %s: exit %d\n%s%s", from, code, out, errOut)
		}
	}
	if code, out, errOut := runCLI(t, "decode", "zvt", "-", "--from", "host"); code != 0 || out != "" || !strings.Contains(errOut, "zvt: 0 APDU(s)") {
		t.Errorf("empty standard input: exit %d %q %q", code, out, errOut)
	}
}

// TestDecodeEscposDotsPerInch: --dots-per-inch places positions given in
// GS P motion units on a 180 dpi head (ESC $ 120 of 1/90 inch: 240 dots,
// column 20); without it at 203 dpi (column 23); a density the decoder
// cannot honour is a usage error.
func TestDecodeEscposDotsPerInch(t *testing.T) {
	checkDotsPerInch(t, "decode", "escpos", "--ocr", "none")
}

// checkDotsPerInch runs the command prefix (its input file appended) on a
// receipt positioned in GS P motion units: column 23 at the default 203
// dpi, column 20 with --dots-per-inch 180, and a usage error for a density
// the decoder cannot honour. decode escpos and profile test share it.
func checkDotsPerInch(t *testing.T, prefix ...string) {
	t.Helper()
	in := filepath.Join(t.TempDir(), "gsp.bin")
	if err := os.WriteFile(in, []byte("\x1b@\x1dP\x5a\x00TOTAL\x1b$\x78\x0015.00\n\x1dV\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 0, "TOTAL                  15.00"},
		{[]string{"--dots-per-inch", "180"}, 0, "TOTAL               15.00"},
		{[]string{"--dots-per-inch=5000"}, 2, "dots per inch 5000"},
	} {
		args := append(append(append([]string{}, prefix...), in), tc.args...)
		code, out, errOut := runCLI(t, args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
}
