package escpos

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/internal/golden"
)

// TestPagePositions checks that page mode (ESC L ... FF) prints what the
// paper shows: text at ESC $ / ESC \ positions placed by columns on its
// line as standard mode does, lines at GS $ / GS \ positions top to bottom
// whatever order they were sent in, and an image in its place among the
// lines (found by the acceptance walk of #12: "LEFT" at x 0 and "RIGHT"
// at x 300 came out as "LEFTRIGHT", and images after all the page's
// text). Every case is decoded whole and a byte at a time; golden text
// and items of every case in testdata/golden/page/positions.txt.
func TestPagePositions(t *testing.T) {
	img := "\x1dv0\x00\x01\x00\x02\x00\xa0\x50" // 8 x 2 dots
	tests := []struct {
		name string
		in   string
		want string // lines of the receipts, "/" between lines
	}{
		{"ESC $ places text by columns", "\x1bLLEFT\x1b$\x2c\x01RIGHT\n\x0c",
			"LEFT" + strings.Repeat(" ", 21) + "RIGHT"},
		{"the same line in standard mode", "LEFT\x1b$\x2c\x01RIGHT\n",
			"LEFT" + strings.Repeat(" ", 21) + "RIGHT"},
		{"ESC $ in a print area is from its origin", "\x1bL\x1bW\x40\x00\x00\x00\x00\x02\x00\x02\x1b$\x18\x00A\x1b$\x3c\x00B\x0c",
			"  A  B"},
		{"ESC \\ moves relative", "\x1bLQTY\x1b\\\x30\x002\x1b\\\x3c\x009.99\x0c",
			"QTY    2     9.99"},
		{"GS $ lines print top to bottom", "\x1bL\x1d$\x64\x00BOTTOM\x1d$\x00\x00TOP\x1d$\x32\x00MIDDLE\x0c",
			"TOP/MIDDLE/BOTTOM"},
		{"GS \\ moves up", "\x1bL\x1d$\x3c\x00C\x1d\\\xe2\xffB\x1d\\\xe2\xffA\x0c",
			"A/B/C"},
		{"GS $ and ESC $ place a table cell by cell", "\x1bL" +
			"\x1d$\x1e\x00\x1b$\x00\x00TEA\x1d$\x1e\x00\x1b$\x90\x002.50" +
			"\x1d$\x00\x00\x1b$\x00\x00ITEM\x1d$\x00\x00\x1b$\x90\x00PRICE\x0c",
			"ITEM        PRICE/TEA         2.50"},
		{"a table filled column by column joins its rows", "\x1bL" +
			"\x1d$\x00\x00\x1b$\x00\x00ITEM\x1d$\x1e\x00\x1b$\x00\x00TEA" +
			"\x1d$\x00\x00\x1b$\x90\x00PRICE\x1d$\x1e\x00\x1b$\x90\x002.50\x0c",
			"ITEM        PRICE/TEA         2.50"},
		{"line feeds go down the page", "\x1bLL1\nL2\n\x1bJ\x3cL3\x0c", "L1/L2/L3"},
		{"ESC W width wraps", "\x1bL\x1bW\x00\x00\x00\x00\x3c\x00\x00\x02ABCDEFGH\x0c", "ABCDE/FGH"},
		{"image between two lines keeps its place", "\x1bLABOVE\n" + img + "BELOW\n\x0c",
			"ABOVE/img 4x32 41c80bb5/BELOW"},
		{"image sent first, placed below by GS $", "\x1bL\x1d$\x64\x00" + img + "\x1d$\x00\x00TOP\n\x0c",
			"TOP/img 4x102 fc331387"},
		{"a line beside an ESC * band feeds past the band", "\x1bL\x1b*\x21\x01\x00\xff\xff\xffBESIDE\x1b3\x10\nNEXT\x1d$\x14\x00MID\x0c",
			"img 1x24 8f8f68aa/BESIDE/MID/NEXT"}, // 24 dots down, not 16 (ESC 3)
		{"ESC FF prints and stays at the top", "\x1bL\x1d$\x64\x00B\x1d$\x00\x00A\x1b\x0c\x1d$\x64\x00D\x1d$\x00\x00C\x0c",
			"A/B/C/D"},
	}
	var all strings.Builder
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.in + "\x1dV\x00")
			for _, chunks := range [][][]byte{{in}, byteByByte(in)} {
				evs, d := decodeChunks(Options{PaperDots: 576, Recognizer: &fakeRecognizer{}}, chunks)
				if st := d.Stats(); st.Unknown != 0 || st.PageDiscarded != 0 {
					t.Fatalf("%d unknown commands, %d page lines discarded", st.Unknown, st.PageDiscarded)
				}
				if got := strings.ReplaceAll(strings.TrimSuffix(allText(receipts(evs)), "\n"), "\n", "/"); got != tc.want {
					t.Fatalf("lines %q, want %q", got, tc.want)
				}
			}
			opts := Options{PaperDots: 576, Recognizer: &fakeRecognizer{}}
			evs, d := decodeBytes(opts, in)
			ds, _ := details(opts, in)
			all.WriteString("## " + tc.name + "\n" + goldenText(evs, d.Stats()) + "=== items " + summary(ds) + "\n")
		})
	}
	golden.CheckString(t, filepath.Join("testdata", "golden", "page", "positions.txt"), all.String())
}

func TestOverlayColumns(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"ITEM", "        PRICE", "ITEM    PRICE"},
		{"        PRICE", "ITEM", "ITEM    PRICE"},
		{"AB", " X", "AX"},
		{"合计", "  12", "合12"},
		{"合计", " X", " X计"}, // half of 合 covered: it goes whole
		{"A B", "", "A B"},
		{"4111 1111", "          1111 1111", "4111 11** **** 1111"},
	}
	for _, tc := range tests {
		if got := overlayColumns(tc.a, tc.b); got != tc.want {
			t.Errorf("overlayColumns(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestPageColumnsMaskCardNumber: a card number sent in two cells of the
// same page row, with another row sent between them, prints joined, so it
// is masked joined: in the receipt's lines and in the detailed items,
// whole and a byte at a time.
func TestPageColumnsMaskCardNumber(t *testing.T) {
	in := []byte("\x1bL\x1d$\x00\x00CARD 4111 1111\x1d$\x1e\x00NEXT\x1d$\x00\x00\x1b$\xb4\x001111 1111\x0c\x1dV\x00")
	const whole, want = "4111 1111 1111 1111", "CARD 4111 11** **** 1111/NEXT"
	for _, chunks := range [][][]byte{{in}, byteByByte(in)} {
		evs, _ := decodeChunks(Options{PaperDots: 576}, chunks)
		if got := strings.ReplaceAll(strings.TrimSuffix(allText(receipts(evs)), "\n"), "\n", "/"); got != want {
			t.Fatalf("lines %q, want %q", got, want)
		}
	}
	ds, _ := details(Options{PaperDots: 576}, in)
	if s := summary(ds); strings.Contains(s, whole) || !strings.Contains(s, "4111 11** **** 1111") {
		t.Errorf("items %s: want the number masked, joined", s)
	}
}
