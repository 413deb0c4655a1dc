package escpos

import (
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// Character cells of the resident fonts, in dots: Font A is 12 x 24,
// Font B 9 x 17, a double-byte (Chinese/Kanji) character 24 x 24.
const (
	fontADots = 12
	fontBDots = 9
	wideDots  = 24
)

// cellDots is how wide r prints in style s.
func (s style) cellDots(r rune) int {
	w := fontADots
	if s.fontB {
		w = fontBDots
	}
	if wideRune(r) {
		w = wideDots
	}
	return w * max(s.widthMul, 1)
}

// wideRune reports a full-width (CJK) character: one columns counts as 2.
func wideRune(r rune) bool {
	return r >= 0x1100 && r <= 0x115F || r >= 0x2E80 && r <= 0xA4CF || r >= 0xAC00 && r <= 0xD7A3 ||
		r >= 0xF900 && r <= 0xFAFF || r >= 0xFE30 && r <= 0xFE4F || r >= 0xFF00 && r <= 0xFF60 || r >= 0xFFE0 && r <= 0xFFE6
}

// areaDots is the width lines wrap at, from the left margin: the print
// area width (GS W, which is measured from the left margin GS L), cut to
// what is left of the paper right of the margin; without GS W, the paper
// less the margin. 0 when neither the paper nor GS W is known.
func (d *Decoder) areaDots() int {
	w := 0
	if paper := d.opts.PaperDots; paper > 0 {
		w = paper - d.ras.left
	}
	if a := d.ras.area; a > 0 && (w <= 0 || a < w) {
		w = a
	}
	if w == 0 {
		return 0
	}
	return max(w, fontADots)
}

// advance moves the print position over the characters the last run added
// to the line (from byte from on), and wraps the line where it leaves the
// print area, as the printer does.
func (t *textState) advance(d *Decoder, from int) {
	area := d.areaDots()
	ascii := t.style.cellDots('a') // every ASCII character is one narrow cell
	for i := from; i < len(t.line); {
		var w, size int
		if c := t.line[i]; c < utf8.RuneSelf {
			w, size = ascii, 1
		} else {
			var r rune
			r, size = utf8.DecodeRune(t.line[i:])
			w = t.style.cellDots(r)
		}
		if area > 0 && t.x > 0 && t.x+w > area {
			rest := append([]byte(nil), t.line[i:]...)
			t.line = t.line[:i]
			at := t.at
			t.endLine(d)
			t.line, t.started, t.first, t.at = append(t.line, rest...), true, t.style, at
			t.raw = len(rest)
			i = 0
			continue
		}
		t.x += w
		i += size
	}
}

// moveTo puts the print position at x dots from the left margin (ESC $,
// ESC \): moving right prints blank space, which the line keeps as spaces
// of the usual cell; moving left prints over the line (nothing is added).
func (t *textState) moveTo(d *Decoder, x int) {
	x = min(max(x, 0), raster.MaxWidth)
	if x > t.x {
		n := (x - t.x + fontADots/2) / fontADots
		for range n {
			t.line = append(t.line, ' ')
		}
		if n > 0 && !t.started {
			t.started, t.first, t.at = true, t.style, d.cmdAt
		}
	}
	t.x = x
}
