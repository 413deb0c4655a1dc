package escpos

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/internal/golden"
)

// encoderLines are lines each receipt made by an independent encoder
// (testdata/encoders, made by make.mjs there) prints on 80 mm paper, as
// the paper shows them: columns placed with ESC $ / ESC \ inside GS L /
// GS W areas, double-width amounts on one line, rules drawn on the
// Katakana page, text placed between a table's rules.
var encoderLines = map[string][]string{
	"receiptline_columns": {
		"Coffee                                      3.50",
		"TOTAL                            15.00",
		"╭────────────────────┬─────────────────────────╮",
		"│Cash                │                    20.00│",
		"AMOUNT:        RMB 15.00", // was "AMOUNT:        RMB 1" / "5.00"
		"                                       Thank you",
	},
	"receiptline_gb18030-slip": {
		"             卡号: 622202******1234", // centred with ESC \\
		"金额(AMOUNT)   RMB 15.00",            // receiptline wraps the ':' of a 13-column label in its 12-column cell
		"合计                              15.00",
	},
	"node-thermal-printer_table": {
		"Sandwich, toasted, long name               11.50",
		"TOTAL          RMB 15.00",
		// leftRight pads to 48 characters in double width: the printer
		// wraps that at 24.
		"DUE", "                   15.00",
		"Change                                      5.00",
	},
	"node-escpos_gb18030": {
		"示例超市",
		"可口可乐 330ml                              3.50",
		"合计               15.00", // double width: 2 x 48 + 15 x 24 + 5 x 24 dots = 576, one line
		"实收(现金)                                 20.00",
	},
	"esc-pos-encoder_table": {
		// Its centring spaces come before its own ESC @, which clears
		// them: the title prints at the left edge.
		"ExampleMart",
		"════════════════════════════════════════════════",
		"TOTAL                            15.00",
		"│Paid by card ****1234       │",
	},
}

// encoderPrinter is the printer profile a file needs: @node-escpos/core
// sends GB18030 with no FS &, for a printer that powers up in Chinese mode.
var encoderPrinter = map[string]string{"node-escpos_gb18030": "xprinter"}

// TestEncoders decodes the receipts of independent encoders on 80 mm
// paper: every byte known and decodable (no U+FFFD), the lines the paper
// shows, and the golden text.
func TestEncoders(t *testing.T) {
	files, err := filepath.Glob("testdata/encoders/*.bin")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/encoders/*.bin: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".bin")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, ok := encoderLines[name]
			if !ok {
				t.Fatalf("no expectations for %s: add them", name)
			}
			opts := Options{PaperDots: 576}
			if name := encoderPrinter[name]; name != "" {
				p, err := PrinterByName(name)
				if err != nil {
					t.Fatal(err)
				}
				opts.Printer = p
			}
			evs, d := decodeBytes(opts, data)
			st := d.Stats()
			if st.Unknown != 0 || st.Truncated != 0 || st.BadText != 0 || st.NoTable != 0 {
				t.Errorf("unknown=%d truncated=%d bad_text=%d no_table=%d, want 0", st.Unknown, st.Truncated, st.BadText, st.NoTable)
			}
			var lines []string
			for _, r := range receipts(evs) {
				for _, l := range r.Lines {
					lines = append(lines, l.Text)
				}
			}
			for _, w := range want {
				if !slices.Contains(lines, w) {
					t.Errorf("no line %q in\n%s", w, strings.Join(lines, "\n"))
				}
			}
			golden.CheckString(t, filepath.Join("testdata", "encoders", "golden", name+".txt"), goldenText(evs, st))
		})
	}
}
