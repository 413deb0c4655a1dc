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
		// TCVN-3: VN3 of TCVN 5712:1993 (glibc's TCVN5712-1 is VN1, the
		// superset); Epson's page 2 prints the same letters as capitals.
		{"tcvn3", 0xA1, 'Ă'}, {"tcvn3", 0xA7, 'Đ'}, {"tcvn3", 0xAE, 'đ'},
		{"tcvn3", 0xB8, 'á'}, {"tcvn3", 0xD6, 'ệ'}, {"tcvn3", 0xFE, 'ỵ'},
		{"tcvn3", 0xB0, 0xFFFD}, {"tcvn3", 0x80, 0xFFFD}, // VN1 only: tone mark, capital Ầ... not VN3
		{"tcvn3-capitals", 0xAE, 'Đ'}, {"tcvn3-capitals", 0xB8, 'Á'}, {"tcvn3-capitals", 0xD6, 'Ệ'},
		// Thai Character Code 11: TIS-620 plus box drawing.
		{"thai11", 0xA1, 'ก'}, {"thai11", 0xDF, '฿'}, {"thai11", 0xF9, '๙'},
		{"thai11", 0x99, '┌'}, {"thai11", 0xDE, '┼'}, {"thai11", 0x80, 0xFFFD},
		// Vendor tables kept where a second source agrees: CP720 (Python's
		// codec and CodepageEncoder), CP3012 (escpos-printer-db and
		// CodepageEncoder; they disagree at 0xF9), Star's CP928 and Thai 13
		// (against ISO 8859-7 and TIS-620).
		{"cp720", 0x98, 'ء'}, {"cp720", 0xE0, 'ض'}, {"cp720", 0x80, 0xFFFD},
		{"cp3012", 0xB5, 'Ā'}, {"cp3012", 0xF0, 'Ē'}, {"cp3012", 0xF9, 0xFFFD},
		{"cp928", 0x80, 'Ç'}, {"cp928", 0xC1, 'Α'}, {"thai13", 0xA1, 'ก'}, {"thai13", 0xFC, '←'},
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
	// ESC t selects them on Epson printers: 14 CP737, 30 and 31 TCVN-3,
	// 21 Thai Character Code 11, 1 Katakana.
	for _, tc := range []struct{ in, want string }{
		{"\x1bt\x0e\x80\x81\x82\n", "ΑΒΓ"},
		{"\x1bt\x1eVi\xd6t Nam \xae\xad\xeang \xa5\n", "Việt Nam đường Ơ"},
		{"\x1bt\x1fVI\xd6T NAM\n", "VIỆT NAM"},
		{"\x1bt\x15\xa1\xd2\xc3\n", "การ"},
		// receiptline draws its rules in the Katakana page's box drawing.
		{"\x1bt\x01\x9c\x95\x91\x95\x9d \xb1\xde\n", "╭─┬─╮ ｱﾞ"},
	} {
		evs, d := decodeBytes(Options{}, []byte(tc.in+"\x1dV\x00"))
		if got := receiptText(evs); got != tc.want || d.Stats().NoTable != 0 {
			t.Errorf("%q: %q (no table %d), want %q", tc.in, got, d.Stats().NoTable, tc.want)
		}
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
