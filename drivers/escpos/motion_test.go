package escpos

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/internal/golden"
)

// TestMotionUnits checks GS P x (Epson: the horizontal motion unit is 1/x
// inch, used by ESC $, ESC \, GS L and GS W in standard mode; x = 0 is
// the default, the dot pitch) on 576 dots of paper, at 180 dpi (a TM-T88,
// Printer.DotsPerInch) and at the default 203. Golden text of every case
// in testdata/golden/motion/gs-p.txt.
func TestMotionUnits(t *testing.T) {
	tm88 := mustPrinter("epson")
	tm88.DotsPerInch = 180
	tests := []struct {
		name    string
		printer *Printer
		in      string
		want    string
	}{
		{"no GS P: dots", nil, "TOTAL\x1b$\x78\x0015.00\n", "TOTAL     15.00"},
		{"GS P 0: dots", tm88, "\x1dP\x00\x00TOTAL\x1b$\x78\x0015.00\n", "TOTAL     15.00"},
		{"GS P 90 at 180 dpi: ESC $ 120 is 240 dots", tm88, "\x1dP\x5a\x00TOTAL\x1b$\x78\x0015.00\n", "TOTAL               15.00"},
		{"GS P 203 at 203 dpi: a dot", nil, "\x1dP\xcb\x00TOTAL\x1b$\x78\x0015.00\n", "TOTAL     15.00"},
		{"GS P 102 at 203 dpi: 60 units are 119 dots (truncated)", nil, "\x1dP\x66\x00TOTAL\x1b$\x3c\x0015.00\n", "TOTAL     15.00"},
		{"ESC \\ in units", tm88, "\x1dP\x5a\x00TOTAL\x1b\\\x1e\x0015.00\n", "TOTAL     15.00"},
		{"ESC \\ left in units", tm88, "\x1dP\x5a\x00TOTAL    X\x1b\\\xf4\xff15.00\n", "TOTAL   15.00"}, // -12 units: back 24 dots to 96, over the X
		{"GS W in units: 120 units are 240 dots, 20 columns", tm88, "\x1dP\x5a\x00\x1dW\x78\x00" + strings.Repeat("x", 30) + "\n", strings.Repeat("x", 20) + "/" + strings.Repeat("x", 10)},
		{"GS L in units narrows the area: 168 units are 336 dots", tm88, "\x1dP\x5a\x00\x1dL\xa8\x00" + strings.Repeat("x", 30) + "\n", strings.Repeat("x", 20) + "/" + strings.Repeat("x", 10)},
		{"GS L before GS P keeps its dots", tm88, "\x1dL\xa8\x00\x1dP\x5a\x00" + strings.Repeat("x", 30) + "\n", strings.Repeat("x", 30)},
		{"ESC @ restores the dot", tm88, "\x1dP\x5a\x00\x1b@TOTAL\x1b$\x78\x0015.00\n", "TOTAL     15.00"},
	}
	var all strings.Builder
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{PaperDots: 576, Printer: tc.printer}
			in := []byte(tc.in + "\x1dV\x00")
			for _, chunks := range [][][]byte{{in}, byteByByte(in)} {
				evs, d := decodeChunks(opts, chunks)
				if st := d.Stats(); st.Unknown != 0 {
					t.Fatalf("%d unknown commands", st.Unknown)
				}
				if got := receiptText(evs); got != tc.want {
					t.Fatalf("lines %q, want %q", got, tc.want)
				}
			}
			evs, d := decodeBytes(opts, in)
			all.WriteString("## " + tc.name + "\n" + goldenText(evs, d.Stats()))
		})
	}
	golden.CheckString(t, filepath.Join("testdata", "golden", "motion", "gs-p.txt"), all.String())
	bad := mustPrinter("epson")
	bad.DotsPerInch = -180
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "dots per inch -180") {
		t.Errorf("Validate with -180 dots per inch: %v", err)
	}
}
