package raster

import (
	"image"
	"slices"
)

// TextLine is one line of ink found on a page: its box and its pieces.
type TextLine struct {
	Box image.Rectangle
	// Pieces are runs of inked columns, left to right, each boxed tightly.
	// A glyph is one piece or several (a CJK character whose parts do not
	// touch); touching glyphs share one.
	Pieces []image.Rectangle
	// Baseline is the row most pieces end on (the bottom of digits and
	// Latin letters).
	Baseline int
}

// Height is the line's ink height.
func (l TextLine) Height() int { return l.Box.Dy() }

// Lines cuts a page into text lines: runs of inked rows, where runs closer
// than a third of the usual line height are joined when the joined run is
// no taller than 1.2 times it (the strokes of 三 or the dots of : belong to
// their line).
func Lines(b *Bitmap) []TextLine {
	type run struct{ y0, y1 int }
	var runs []run
	in := false
	for y := 0; y < b.H; y++ {
		ink := rowInk(b.Row(y))
		switch {
		case ink && !in:
			runs = append(runs, run{y, y + 1})
			in = true
		case ink:
			runs[len(runs)-1].y1 = y + 1
		default:
			in = false
		}
	}
	if len(runs) == 0 {
		return nil
	}
	hs := make([]int, 0, len(runs))
	for _, r := range runs {
		if r.y1-r.y0 >= 3 {
			hs = append(hs, r.y1-r.y0)
		}
	}
	h := 8
	if len(hs) > 0 {
		slices.Sort(hs)
		h = max(hs[len(hs)*4/5], 3)
	}
	merged := []run{runs[0]}
	for _, r := range runs[1:] {
		last := &merged[len(merged)-1]
		if r.y0-last.y1 < max(h/3, 1) && r.y1-last.y0 <= h*6/5 {
			last.y1 = r.y1
			continue
		}
		merged = append(merged, r)
	}
	lines := make([]TextLine, 0, len(merged))
	for _, r := range merged {
		lines = append(lines, cutLine(b, r.y0, r.y1))
	}
	return lines
}

func rowInk(row []byte) bool {
	for _, c := range row {
		if c != 0 {
			return true
		}
	}
	return false
}

// cutLine finds the pieces of the line between rows y0 and y1.
func cutLine(b *Bitmap, y0, y1 int) TextLine {
	cols := make([]bool, b.W)
	for y := y0; y < y1; y++ {
		row := b.Row(y)
		for i, c := range row {
			if c == 0 {
				continue
			}
			for bit := 0; bit < 8; bit++ {
				if c&(0x80>>bit) != 0 && i*8+bit < len(cols) {
					cols[i*8+bit] = true
				}
			}
		}
	}
	l := TextLine{Box: image.Rectangle{Min: image.Pt(b.W, y0), Max: image.Pt(0, y1)}}
	for x := 0; x < len(cols); {
		if !cols[x] {
			x++
			continue
		}
		x0 := x
		for x < len(cols) && cols[x] {
			x++
		}
		p := image.Rectangle{Min: image.Pt(x0, y1), Max: image.Pt(x, y0)} // not Rect: it would swap

		for y := y0; y < y1; y++ {
			for xx := x0; xx < x; xx++ {
				if b.At(xx, y) {
					p.Min.Y = min(p.Min.Y, y)
					p.Max.Y = max(p.Max.Y, y+1)
					break
				}
			}
		}
		l.Pieces = append(l.Pieces, p)
	}
	if len(l.Pieces) > 0 {
		l.Box.Min.X, l.Box.Max.X = l.Pieces[0].Min.X, l.Pieces[len(l.Pieces)-1].Max.X
	}
	l.Baseline = baseline(l)
	return l
}

// baseline is the most common bottom of the line's taller pieces.
func baseline(l TextLine) int {
	count := map[int]int{}
	best, n := l.Box.Max.Y, 0
	for _, p := range l.Pieces {
		if p.Dy()*2 < l.Box.Dy() {
			continue
		}
		count[p.Max.Y]++
		if c := count[p.Max.Y]; c > n || c == n && p.Max.Y > best {
			best, n = p.Max.Y, c
		}
	}
	return best
}

// Bits returns the dots of r as a string of '#' and '.', row after row:
// the key of a glyph, and how a dictionary file shows it.
func (b *Bitmap) Bits(r image.Rectangle) string {
	out := make([]byte, 0, r.Dx()*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if b.At(x, y) {
				out = append(out, '#')
			} else {
				out = append(out, '.')
			}
		}
	}
	return string(out)
}
