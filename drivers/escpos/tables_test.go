package escpos

import (
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestGeneratedTables checks each generated code table at bytes whose
// character the Unicode mapping files give (cross-checked with Python's
// codecs), and that an ESC t selecting it prints them.
func TestGeneratedTables(t *testing.T) {
	tests := []struct {
		table string
		b     byte
		want  rune
	}{
		{"cp737", 0x80, 'Α'}, {"cp737", 0xE0, 'ω'},
		{"cp775", 0x80, 'Ć'}, {"cp775", 0xEF, '’'},
		{"cp857", 0x80, 'Ç'}, {"cp857", 0x8D, 'ı'},
		{"cp861", 0x8B, 'Ð'}, {"cp861", 0x95, 'þ'},
		{"cp864", 0x80, '°'}, {"cp864", 0xC1, 'ﺀ'},
		{"cp869", 0x86, 'Ά'}, {"cp869", 0xD6, 'α'},
		{"cp1125", 0xF2, 'Ґ'}, {"cp1125", 0xF4, 'Є'},
		{"rk1048", 0x80, 'Ђ'}, {"rk1048", 0xA3, 'Ә'},
		{"cp851", 0x86, 'Ά'}, {"cp772", 0xB5, 'Ą'}, {"cp774", 0xB5, 'Ą'},
	}
	for _, tc := range tests {
		tab, ok := codePageByName(tc.table)
		if !ok {
			t.Fatalf("%s: no table", tc.table)
		}
		if got := tab.runes[tc.b]; got != tc.want {
			t.Errorf("%s %02X = %q, want %q", tc.table, tc.b, got, tc.want)
		}
	}
	// ESC t 14 is CP737 on Epson printers: Greek prints as Greek.
	evs, d := decodeBytes(Options{}, []byte("\x1bt\x0e\x80\x81\x82\n\x1dV\x00"))
	if got := receiptText(evs); got != "ΑΒΓ" || d.Stats().NoTable != 0 {
		t.Errorf("ESC t 14: %q (no table %d), want ΑΒΓ", got, d.Stats().NoTable)
	}
}

// receiptText joins the lines of the receipts with "/".
func receiptText(evs []drivers.Event) string {
	var out []string
	for _, e := range evs {
		if r, ok := e.(*drivers.Receipt); ok {
			for _, l := range r.Lines {
				out = append(out, l.Text)
			}
		}
	}
	return strings.Join(out, "/")
}
