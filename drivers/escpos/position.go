package escpos

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/drivers/textwidth"
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

// wideRune reports a full-width (CJK) character: one column counts as 2
// (textwidth.Wide, shared with the glyph dictionary).
func wideRune(r rune) bool { return textwidth.Wide(r) }

// areaDots is the width lines wrap at, from the left margin: the print
// area width (GS W, which is measured from the left margin GS L), cut to
// what is left of the paper right of the margin; without GS W, the paper
// less the margin. 0 when neither the paper nor GS W is known. In page
// mode it is the ESC W area's width, when the stream set one.
func (d *Decoder) areaDots() int {
	if d.page.on && d.page.areaW > 0 { // page mode: the print area (ESC W)
		return max(min(d.page.areaW, raster.MaxWidth), fontADots)
	}
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

// lineStart reports that nothing is printed yet on the line (blank space
// from a move prints nothing): GS L and GS W take effect only there, and
// the printer ignores them in the middle of a line.
func (d *Decoder) lineStart() bool {
	return d.page.on || !d.text.hasVisible() && d.ras.std.bandH == 0
}

// starTimes is a Star Line Mode expansion n (0-5, or '0'-'5') as a
// multiple (1-6); ok is false outside that (the printer ignores the
// command).
func starTimes(n byte) (times int, ok bool) {
	if n >= '0' {
		n -= '0'
	}
	return int(n) + 1, n <= 5
}

// posMark is where a run of the current line starts: its byte offset in
// the line, its print position, and how wide its style prints a narrow and
// a wide character. pad marks the blank space a move right added.
type posMark struct {
	off, x       int32
	narrow, wide int16
	pad          bool
}

// width is how wide r prints in the mark's style.
func (m posMark) width(r rune) int {
	if r >= utf8.RuneSelf && wideRune(r) {
		return int(m.wide)
	}
	return int(m.narrow)
}

// cell is one character placed on a line that something printed over.
type cell struct {
	x, w int
	r    rune
}

// advance moves the print position over the characters the last run added
// to the line (from byte from on), and wraps the line where it leaves the
// print area, as the printer does. On a line something printed over (a
// move left, see moveTo) the characters are placed instead.
func (t *textState) advance(d *Decoder, from int) {
	if t.padFirst { // the line's style is its first character's, not its indent's
		t.first, t.padFirst = t.style, false
	}
	if t.over {
		t.place(from, d.ps.star)
		return
	}
	area := d.areaDots()
	ascii := t.style.cellDots('a') // every ASCII character is one narrow cell
	t.mark(from, false)
	for i := from; i < len(t.line); {
		var w, size int
		if c := t.line[i]; c < utf8.RuneSelf {
			end := len(t.line) // ASCII up to end fits the line: all at once
			if area > 0 {
				end = min(end, i+max(area-t.x, 0)/ascii)
			}
			j := i
			for j < end && t.line[j] < utf8.RuneSelf {
				j++
			}
			if j > i {
				t.x += (j - i) * ascii
				i = j
				continue
			}
			w, size = ascii, 1
		} else {
			var r rune
			r, size = utf8.DecodeRune(t.line[i:])
			w = t.runeDots(r)
		}
		if area > 0 && t.x > 0 && t.x+w > area {
			rest := append([]byte(nil), t.line[i:]...)
			t.line = t.line[:i]
			at := t.at
			t.endLine(d)
			d.pageFeed(d.ras.spacing) // a page's next line goes below
			t.line, t.started, t.first, t.at = append(t.line, rest...), true, t.style, at
			t.raw = len(rest)
			t.mark(0, false)
			i = 0
			continue
		}
		t.x += w
		i += size
	}
}

// runeDots is how wide r of the last run prints: a character of a
// single-byte code table takes one narrow cell even where it is an
// ideograph (the Katakana page's 円 年 月 日); only double-byte mode prints
// full-width ones. A combining mark (Thai vowels above and below and tone
// marks) prints over the cell before it and takes none: a line never
// wraps between a letter and its marks.
func (t *textState) runeDots(r rune) int {
	if r >= 0x0300 && (r < 0x3400 || r > 0x9FFF) && unicode.Is(unicode.Mn, r) { // CJK ideographs are no marks: skip the lookup
		return 0
	}
	if !t.runGBK {
		return t.style.cellDots('a')
	}
	return t.style.cellDots(r)
}

// mark records that a run (or a move's blank space) starts at byte off.
// A run that goes on where the last one ended, in a style as wide, needs
// no mark of its own: its characters follow on.
func (t *textState) mark(off int, pad bool) {
	narrow, wide := t.style.cellDots('a'), t.runeDots('\u4e00')
	if n := len(t.marks); n > 0 && !pad {
		if last := t.marks[n-1]; !last.pad && int(last.narrow) == narrow && int(last.wide) == wide {
			return
		}
	}
	t.marks = append(t.marks, posMark{off: int32(off), x: int32(t.x), narrow: int16(narrow), wide: int16(wide), pad: pad})
}

// moveTo puts the print position at x dots from the left margin (ESC $,
// ESC \): moving right prints blank space, which the line keeps as spaces
// of the usual cell. Moving left prints over what the line holds (the
// printer ORs the dots; receiptline draws a table's rules first and then
// its text between them): from then on the line is kept as placed
// characters, a later one replacing the ones it covers, until it ends.
func (t *textState) moveTo(d *Decoder, x int) {
	x = min(max(x, 0), raster.MaxWidth)
	switch {
	case t.over:
	case x < t.x && t.hasVisible():
		t.startOverlay()
	case x < t.x: // only blank space so far: start again from the margin
		t.line, t.marks, t.x = t.line[:0], t.marks[:0], 0
		fallthrough
	default:
		if x > t.x {
			n := (x - t.x + fontADots/2) / fontADots
			if n > 0 {
				t.mark(len(t.line), true)
			}
			for range n {
				t.line = append(t.line, ' ')
			}
			if n > 0 && !t.started {
				t.started, t.first, t.at, t.padFirst = true, t.style, d.cmdAt, true
			}
		}
	}
	t.x = x
}

// startOverlay turns the line into placed characters (blank space is not
// kept: composeLine measures it again).
func (t *textState) startOverlay() {
	t.cells = t.cells[:0]
	for i, m := range t.marks {
		end := len(t.line)
		if i+1 < len(t.marks) {
			end = int(t.marks[i+1].off)
		}
		if m.pad {
			continue
		}
		x := int(m.x)
		for j := int(m.off); j < end; {
			r, size := utf8.DecodeRune(t.line[j:])
			w := m.width(r)
			if r != ' ' {
				t.cells = append(t.cells, cell{x: x, w: w, r: r})
			}
			x += w
			j += size
		}
	}
	t.over = true
}

// place puts the characters the last run added (from byte from on) at the
// print position, each replacing the characters it covers, and takes them
// off the line's bytes (composeLine writes the line again). A Star printer
// keeps the old print data instead: a new character over it is dropped.
// A line printed over does not wrap.
func (t *textState) place(from int, keepOld bool) {
	for i := from; i < len(t.line); {
		r, size := utf8.DecodeRune(t.line[i:])
		w := t.runeDots(r)
		if r != ' ' {
			kept, covered := t.cells[:0], false
			for _, c := range t.cells {
				if c.x+c.w <= t.x || c.x >= t.x+w {
					kept = append(kept, c)
				} else if covered = true; keepOld {
					kept = append(kept, c)
				}
			}
			t.cells = kept
			if !covered || !keepOld {
				t.cells = append(t.cells, cell{x: t.x, w: w, r: r})
			}
		}
		t.x = min(t.x+w, raster.MaxWidth)
		i += size
	}
	t.line = t.line[:from]
}

// composeLine writes a line something printed over from its placed
// characters, left to right, the blank space between them as spaces of
// the usual cell (one space where the gap is one character of the text
// before it).
func (t *textState) composeLine() {
	if !t.over {
		return
	}
	slices.SortStableFunc(t.cells, func(a, b cell) int { return a.x - b.x })
	t.line = t.line[:0]
	cur, prev := 0, fontADots
	for _, c := range t.cells {
		if gap := c.x - cur; gap > 0 {
			n := (gap + fontADots/2) / fontADots
			if gap == prev {
				n = 1
			}
			for range n {
				t.line = append(t.line, ' ')
			}
		}
		t.line = utf8.AppendRune(t.line, c.r)
		cur, prev = c.x+c.w, c.w
		if wideRune(c.r) {
			prev = c.w / 2
		}
	}
	t.over, t.cells = false, t.cells[:0]
}
