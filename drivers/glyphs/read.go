package glyphs

import (
	"image"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// maxPieces is the most pieces one glyph is made of.
const maxPieces = 3

// nearLimit is the share of differing dots up to which a glyph of about
// the same size still matches.
const nearLimit = 0.06

// Recognize reads the text lines of a page image. It implements
// escpos.Recognizer.
func (d *Dict) Recognize(b *raster.Bitmap) raster.Result {
	res := raster.Result{Engine: "glyphs " + d.name}
	for _, l := range raster.Lines(b) {
		res.Lines = append(res.Lines, d.readLine(b, l))
	}
	return res
}

// span is a run of pieces read as one glyph.
type span struct {
	from, to int // pieces [from, to)
	box      image.Rectangle
	g        *Glyph // nil: unknown
	conf     float64
	parts    []span // a piece of touching glyphs cut apart (see split)
}

// readLine picks the reading of the line's pieces with the fewest glyphs,
// unknown pieces costing most.
func (d *Dict) readLine(b *raster.Bitmap, l raster.TextLine) raster.Line {
	n := len(l.Pieces)
	type step struct {
		cost float64
		prev int
		sp   span
	}
	best := make([]step, n+1)
	for i := 1; i <= n; i++ {
		best[i].cost = -1
	}
	single := make([]float64, n) // each piece's confidence read alone
	singleG := make([]*Glyph, n)
	for i, p := range l.Pieces {
		singleG[i], single[i] = d.match(b, p, l)
	}
	for i := 0; i < n; i++ {
		if best[i].cost < 0 {
			continue
		}
		for k := 1; k <= maxPieces && i+k <= n; k++ {
			box := union(l.Pieces[i : i+k])
			if k > 1 && box.Dx() > 2*l.Height()+4 {
				break
			}
			alone := slices.Min(single[i : i+k]) // the weakest piece read alone
			g, conf := singleG[i], single[i]
			if k > 1 {
				g, conf = d.match(b, box, l)
			}
			if k > 1 && conf < 1 && (conf < raster.Sure || alone >= raster.Sure) {
				// several pieces read as one when exactly known, or
				// nearly when apart they do not read (a broken glyph)
				g, conf = nil, 0
			}
			sp := span{from: i, to: i + k, box: box, g: g, conf: conf}
			cost := 1 + (1 - conf)
			if g == nil {
				cost = 10
			}
			if k == 1 && conf < raster.Sure { // unknown, or a glyph learning doubted
				if parts := d.split(b, box, l, 2); parts != nil {
					sp.g, sp.parts, cost = nil, parts, 0.5
					for _, p := range parts {
						cost += 1 + (1 - p.conf)
					}
				}
			}
			if g == nil && sp.parts == nil && k > 1 {
				continue
			}
			if c := best[i].cost + cost; best[i+k].cost < 0 || c < best[i+k].cost {
				best[i+k] = step{cost: c, prev: i, sp: sp}
			}
		}
	}
	var spans []span
	for i := n; i > 0; i = best[i].prev {
		spans = append(spans, best[i].sp)
	}
	out := raster.Line{Box: l.Box, Confidence: 1}
	var text strings.Builder
	var prev *span
	for i := len(spans) - 1; i >= 0; i-- {
		sp := spans[i]
		if prev != nil && d.isSpace(prev, &sp, l.Height()) {
			text.WriteByte(' ')
			out.Cells = append(out.Cells, image.Rectangle{})
		}
		prev = &spans[i]
		if sp.parts != nil {
			for _, p := range sp.parts {
				text.WriteString(p.g.Text)
				for range cellCount(p.g.Text) {
					out.Cells = append(out.Cells, p.box)
				}
				out.Glyphs++
				out.Confidence = min(out.Confidence, p.conf)
			}
			continue
		}
		if sp.g == nil {
			// unknown pieces next to each other are one unknown glyph
			if i+1 < len(spans) && spans[i+1].g == nil && sp.box.Min.X-spans[i+1].box.Max.X <= 2 && strings.HasSuffix(text.String(), "\uFFFD") {
				out.Cells[len(out.Cells)-1] = out.Cells[len(out.Cells)-1].Union(sp.box)
				continue
			}
			text.WriteRune(utf8.RuneError)
			out.Cells = append(out.Cells, sp.box)
			out.Unknown++
			out.Confidence = 0
			continue
		}
		text.WriteString(sp.g.Text)
		for range cellCount(sp.g.Text) {
			out.Cells = append(out.Cells, sp.box)
		}
		out.Glyphs++
		out.Confidence = min(out.Confidence, sp.conf)
	}
	out.Text = resolveEither(text.String())
	return out
}

// resolveEither reads each I|l glyph as I next to a capital letter, as l
// otherwise.
func resolveEither(s string) string {
	if !strings.Contains(s, either) {
		return s
	}
	rs := []rune(strings.ReplaceAll(s, either, "\x00"))
	isUpper := func(i int) bool { return i >= 0 && i < len(rs) && rs[i] >= 'A' && rs[i] <= 'Z' }
	for i, r := range rs {
		if r == 0 {
			rs[i] = 'l'
			if isUpper(i-1) || isUpper(i+1) {
				rs[i] = 'I'
			}
		}
	}
	return string(rs)
}

// isSpace reports whether the gap between two glyphs holds a space: more
// white than their bearings leave, by Space times the line's height (not
// the glyphs': a descender made the gap before j or y look narrower).
func (d *Dict) isSpace(a, b *span, lineH int) bool {
	r, l := d.bearing, d.bearing
	if a.g != nil && a.g.R >= 0 {
		r = a.g.R
	}
	if b.g != nil && b.g.L >= 0 {
		l = b.g.L
	}
	gap := b.box.Min.X - a.box.Max.X - r - l
	return float64(gap) >= d.Space*float64(max(lineH, 1))
}

// cellCount is how many characters a glyph's text reads as.
func cellCount(t string) int {
	if t == either {
		return 1
	}
	return utf8.RuneCountInString(t)
}

// split reads a piece no glyph matches as touching glyphs (bold letters
// whose strokes meet): it tries every column to cut it at, and keeps the
// cut whose parts all match best, the right part cut again up to depth
// times. nil when no cut reads.
func (d *Dict) split(b *raster.Bitmap, box image.Rectangle, l raster.TextLine, depth int) []span {
	var best []span
	bestConf := 0.0
	for c := box.Min.X + 2; c <= box.Max.X-2; c++ {
		left, ok := tight(b, image.Rect(box.Min.X, box.Min.Y, c, box.Max.Y))
		if !ok {
			continue
		}
		g, conf := d.match(b, left, l)
		if g == nil || conf < raster.Sure {
			continue
		}
		right, ok := tight(b, image.Rect(c, box.Min.Y, box.Max.X, box.Max.Y))
		if !ok {
			continue
		}
		parts := []span{{box: left, g: g, conf: conf}}
		if rg, rc := d.match(b, right, l); rg != nil && rc >= raster.Sure {
			parts = append(parts, span{box: right, g: rg, conf: rc})
		} else if depth > 1 {
			more := d.split(b, right, l, depth-1)
			if more == nil {
				continue
			}
			parts = append(parts, more...)
		} else {
			continue
		}
		m := 1.0
		for _, p := range parts {
			m = min(m, p.conf)
		}
		if m > bestConf || m == bestConf && len(parts) < len(best) {
			best, bestConf = parts, m
		}
	}
	return best
}

// tight shrinks r to the dots printed in it.
func tight(b *raster.Bitmap, r image.Rectangle) (image.Rectangle, bool) {
	out := image.Rectangle{Min: r.Max, Max: r.Min}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if b.At(x, y) {
				out.Min.X, out.Min.Y = min(out.Min.X, x), min(out.Min.Y, y)
				out.Max.X, out.Max.Y = max(out.Max.X, x+1), max(out.Max.Y, y+1)
			}
		}
	}
	return out, out.Min.X < out.Max.X
}

// union is the box around pieces.
func union(ps []image.Rectangle) image.Rectangle {
	r := ps[0]
	for _, p := range ps[1:] {
		r = r.Union(p)
	}
	return r
}

// posOf places a small glyph on its line.
func posOf(box image.Rectangle, l raster.TextLine) int {
	h := l.Height()
	if box.Dy()*2 >= h {
		return noPos
	}
	c := float64(l.Baseline) - float64(box.Min.Y+box.Max.Y)/2
	switch {
	case c < 0.2*float64(h):
		return 0
	case c < 0.55*float64(h):
		return 1
	}
	return 2
}

// match finds the glyph of box: exactly (confidence 1) or among glyphs
// of about the same size with few differing dots.
func (d *Dict) match(b *raster.Bitmap, box image.Rectangle, l raster.TextLine) (*Glyph, float64) {
	pos := posOf(box, l)
	bits := b.Bits(box)
	if g := d.exact[key(box.Dx(), box.Dy(), pos, bits)]; g != nil {
		if g.Unsure != "" {
			return g, unsureConf // learning doubted it: never trusted for amounts
		}
		return g, 1
	}
	var best *Glyph
	bestD, secondD := -1, -1
	area := box.Dx() * box.Dy()
	for dw := -1; dw <= 1; dw++ {
		for dh := -1; dh <= 1; dh++ {
			for _, g := range d.bySize[[2]int{box.Dx() + dw, box.Dy() + dh}] {
				if g.Pos != pos {
					continue
				}
				dd := distance(bits, box.Dx(), box.Dy(), g)
				switch {
				case bestD < 0 || dd < bestD:
					if best == nil || best.Text != g.Text {
						secondD = bestD
					}
					best, bestD = g, dd
				case g.Text != best.Text && (secondD < 0 || dd < secondD):
					secondD = dd
				}
			}
		}
	}
	limit := max(2, int(nearLimit*float64(area)))
	if best == nil || bestD > limit {
		return nil, 0
	}
	// A few dots off (a stray dot, a neighbour's dot, edges dithered
	// differently), and every glyph of another text far further off:
	// sure. What another text's glyph would need to differ by grows with
	// the distance, so a digit never learned does not read as its
	// nearest neighbour (TestCorpusMissingDigit).
	if best.Unsure == "" && (secondD < 0 || secondD >= bestD+max(8, 2*bestD)) {
		return best, 0.92 - 0.02*float64(bestD)/float64(limit)
	}
	return best, 0.85 - 0.2*float64(bestD)/float64(limit)
}

// unsureConf is the confidence of a glyph learning marked unsure.
const unsureConf = 0.6

// distance counts differing dots between bits (w x h) and g, aligned at
// their top left corners, trying shifts of the smaller one within the
// larger.
func distance(bits string, w, h int, g *Glyph) int {
	best := -1
	for dx := min(0, g.W-w); dx <= max(0, g.W-w); dx++ {
		for dy := min(0, g.H-h); dy <= max(0, g.H-h); dy++ {
			n := 0
			for y := min(0, dy); y < max(h, g.H+dy); y++ {
				for x := min(0, dx); x < max(w, g.W+dx); x++ {
					a := x >= 0 && y >= 0 && x < w && y < h && bits[y*w+x] == '#'
					gx, gy := x-dx, y-dy
					c := gx >= 0 && gy >= 0 && gx < g.W && gy < g.H && g.Bits[gy*g.W+gx] == '#'
					if a != c {
						n++
					}
				}
			}
			if best < 0 || n < best {
				best = n
			}
		}
	}
	return best
}
