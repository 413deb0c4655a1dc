package tesseract

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// FuzzPage: any page image (a hostile or broken raster) is cut into lines
// and words, measured and thickened without a panic, and without running
// Tesseract: every word lies in its line's box, a line with ink has a
// word, and thickening keeps every dot.
func FuzzPage(f *testing.F) {
	f.Add([]byte{0xff, 0x00, 0x81, 0x7e, 0x00, 0x00, 0x18, 0x3c, 0x00, 0xa5, 0x5a, 0x00}, uint8(1))
	f.Add([]byte(strings.Repeat("\x00\xf0\x0f\x00", 40)), uint8(3))
	f.Fuzz(func(t *testing.T, rows []byte, w uint8) {
		b := raster.New()
		xb := int(w%16) + 1
		for y := 0; y*xb < len(rows) && y < 512; y++ {
			b.OrRow(0, y, rows[y*xb:min(len(rows), (y+1)*xb)], 1)
		}
		p := newPage(b)
		for _, l := range p.lines {
			ws := p.words(l)
			if len(l.Pieces) > 0 && len(ws) == 0 {
				t.Fatalf("line %v: %d pieces, no word", l.Box, len(l.Pieces))
			}
			for _, wd := range ws {
				if !wd.In(l.Box) {
					t.Fatalf("word %v outside its line %v", wd, l.Box)
				}
			}
			if sw := strokeWidth(b, l.Box); sw < 0 {
				t.Fatalf("stroke width %d", sw)
			}
		}
		th := thicken(b)
		for y := 0; y < b.H; y++ {
			for x := 0; x < b.W; x++ {
				if b.At(x, y) && !th.At(x, y) {
					t.Fatalf("thickening lost the dot at %d,%d", x, y)
				}
			}
		}
	})
}

// FuzzFixDigits: any line Tesseract may return is fixed without a panic,
// into valid UTF-8 for valid input, and a line with no decimal point or
// comma (nothing to join) keeps its number of characters.
func FuzzFixDigits(f *testing.F) {
	for _, s := range []string{"Milk 1L xl 7.6O", "1234567 .89", "-2.l0", "x1O", "Oil", "收银员: 李 ×l 12,5O", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		got := fixDigits(line)
		if utf8.ValidString(line) && !utf8.ValidString(got) {
			t.Fatalf("fixDigits(%q) = %q: not UTF-8", line, got)
		}
		if !strings.ContainsAny(line, ".,") && utf8.RuneCountInString(got) != utf8.RuneCountInString(line) {
			t.Fatalf("fixDigits(%q) = %q: characters added or lost", line, got)
		}
	})
}
