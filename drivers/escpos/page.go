package escpos

import (
	"bytes"
	"cmp"
	"slices"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// pageState is ESC/POS page mode (ESC L): lines are composed in a page
// buffer and print only at FF (print and back to standard mode) or ESC FF
// (print and stay). ESC S, CAN and ESC @ throw the page away, and so does
// the end of the job before it was printed.
//
// Text and images are placed where the printer puts them: ESC $ / ESC \
// move the print position along the line (text keeps the blank space as
// spaces, as in standard mode), GS $ / GS \ move it across lines, LF, ESC
// J and ESC d feed. The page prints top to bottom: its lines, and the
// lines read in its image, are ordered by their vertical position (in the
// page's own direction, ESC T: a reader turns the paper to read a turned
// page), the stream order among lines at the same position. Images are
// drawn on one page image at the print area (ESC W) and position.
type pageState struct {
	on     bool
	lines  []placedLine
	ras    rasterPos // the page image; ras.y is the page's vertical position
	imgTop int       // top of the highest image on the page image
	areaX  int       // print area origin (ESC W), dots
	areaY  int
	areaW  int // print area width (ESC W), dots; 0 unset
	x      int // horizontal position in the area (ESC $, ESC \), dots
}

// placedLine is a line composed on the page, with where it prints: y is
// the top of its print line on the page, at the host offset of its first
// character (of the image, for a line read in the page image).
type placedLine struct {
	y    int
	at   int64
	l    drivers.Line
	kind string // KindLine, or KindImage for the page image's own item
	img  Item
}

// pageLine keeps a finished line on the page at the vertical position.
func (d *Decoder) pageLine(l drivers.Line, at int64) {
	if len(d.page.lines) >= MaxLines {
		d.stats.Truncated++
		return
	}
	d.page.lines = append(d.page.lines, placedLine{y: d.page.ras.y, at: at, l: l, kind: KindLine})
}

// pageFeed moves the page's vertical position down by n dots (a line
// feed after text, ESC J, ESC d); n may be negative (GS \).
func (d *Decoder) pageFeed(n int) {
	if !d.page.on {
		return
	}
	if p := &d.page.ras; p.bandH > 0 && n > 0 { // ESC * bands on the line: the paper moves past them, as feedDots
		d.text.flushLine(d)
		d.endBand(p)
		n -= d.ras.spacing
		if n <= 0 {
			return
		}
	}
	d.pageMoveY(d.page.ras.y + n)
}

// pageMoveY puts the page's vertical position at y dots from the top of
// the page, ending the line in progress first: it prints where it was.
func (d *Decoder) pageMoveY(y int) {
	y = min(max(y, 0), raster.MaxHeight)
	if y == d.page.ras.y {
		return
	}
	d.text.flushLine(d)
	p := &d.page.ras
	if p.seg != nil {
		d.endBand(p)
	}
	p.y, p.x = y, 0
}

// pageMoveX puts the horizontal position at x dots from the print area's
// origin: text moves to it as in standard mode, the next image starts
// there.
func (d *Decoder) pageMoveX(x int) {
	x = min(max(x, 0), raster.MaxWidth)
	d.text.moveTo(d, x)
	d.page.x, d.page.ras.x = x, 0
}

// pageArea is ESC W x y dx dy: the print area, and the position back at
// its origin.
func (d *Decoder) pageArea(x, y, w int) {
	if d.page.on {
		d.text.flushLine(d)
	}
	d.page.areaX, d.page.areaY, d.page.areaW = x, y, w
	d.page.x, d.page.ras.x = 0, 0
	if d.page.ras.seg != nil {
		d.endBand(&d.page.ras)
	}
	d.page.ras.y = y
}

// startPage is ESC L: page mode, at the print area's origin.
func (d *Decoder) startPage() {
	d.page.on = true
	d.page.x = 0
	d.page.ras = rasterPos{y: d.page.areaY}
}

// printPage moves what the page shows into the job, top to bottom: its
// lines and what its image shows, each where it prints.
func (d *Decoder) printPage() {
	lines := d.page.lines
	d.page.lines = nil
	img, top := d.page.ras, d.page.imgTop
	d.page.ras = rasterPos{y: d.page.areaY}
	d.page.x = 0
	if len(lines) == 0 && img.seg == nil {
		return
	}
	d.openJob()
	if img.seg != nil {
		d.endBand(&img)
		lines = append(lines, placedLine{y: top, at: img.at, kind: KindImage, img: d.imageItem(&img)})
		for _, rl := range d.readImage(&img) {
			y := top // a recogniser that does not say where: the image's place
			if rl.boxed {
				y = max(rl.y, top)
			}
			lines = append(lines, placedLine{y: y, at: img.at, l: rl.l, kind: KindLine})
		}
	}
	slices.SortStableFunc(lines, func(a, b placedLine) int { return cmp.Or(cmp.Compare(a.y, b.y), cmp.Compare(a.at, b.at)) })
	lines = mergeRows(lines)
	for _, pl := range lines {
		if pl.kind == KindImage {
			d.item(pl.img)
			continue
		}
		if d.jobLine(pl.l) && d.opts.Detail {
			l := pl.l
			d.item(Item{Offset: pl.at, Kind: KindLine, Line: &l})
		}
	}
}

// mergeRows joins the text lines sent apart to the same vertical position
// (a page filled column by column): the paper shows one line, each
// character in its column, a later one replacing what it covers. Lines
// are sorted by position; the joined line keeps the first one's style.
func mergeRows(lines []placedLine) []placedLine {
	out := lines[:0]
	for _, pl := range lines {
		if n := len(out); n > 0 && pl.kind == KindLine && pl.l.Source == "" {
			if last := &out[n-1]; last.kind == KindLine && last.l.Source == "" && last.y == pl.y {
				if last.l.Text == "" {
					last.l = pl.l
				} else if pl.l.Text != "" {
					last.l.Text = overlayColumns(last.l.Text, pl.l.Text)
				}
				continue
			}
		}
		out = append(out, pl)
	}
	return out
}

// overlayColumns prints b over a, column by column (a wide character
// takes two): b's blanks leave a's characters, the rest replace them. A
// card number the two make up together is masked.
func overlayColumns(a, b string) string {
	var cols []rune // 0: the right half of a wide character
	put := func(c int, r rune) {
		w := 1
		if wideRune(r) {
			w = 2
		}
		for len(cols) < c+w {
			cols = append(cols, ' ')
		}
		for i := c; i < c+w; i++ { // what it covers goes, whole
			if cols[i] == 0 && i > 0 {
				cols[i-1] = ' '
			}
			if i+1 < len(cols) && cols[i+1] == 0 && wideRune(cols[i]) {
				cols[i+1] = ' '
			}
			cols[i] = ' '
		}
		cols[c] = r
		if w == 2 {
			cols[c+1] = 0
		}
	}
	lay := func(s string, over bool) {
		c := 0
		for _, r := range s {
			if r != ' ' || !over {
				put(c, r)
			}
			c++
			if wideRune(r) {
				c++
			}
		}
	}
	lay(a, false)
	lay(b, true)
	out := make([]byte, 0, len(a)+len(b))
	for _, r := range cols {
		if r != 0 {
			out = utf8.AppendRune(out, r)
		}
	}
	out = bytes.TrimRight(out, " ")
	if hasLongDigitRun(out) {
		drivers.MaskTextPANs(out)
	}
	return string(out)
}

// cancelPage throws the page away, with the line in progress.
func (d *Decoder) cancelPage() {
	if d.text.started || len(d.text.run) > 0 {
		d.text.discardLine(d)
	}
	d.stats.PageDiscarded += len(d.page.lines)
	d.page.lines = nil
	d.page.ras = rasterPos{y: d.page.areaY}
	d.page.x = 0
}

// resetPage forgets the print area (ESC @).
func (d *Decoder) resetPage() {
	d.page.areaX, d.page.areaY, d.page.areaW = 0, 0, 0
	d.page.x = 0
	d.page.ras = rasterPos{}
}
