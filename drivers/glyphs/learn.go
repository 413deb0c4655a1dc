package glyphs

import (
	"fmt"
	"image"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/drivers/textwidth"
)

// Sample is a printed page image and its known text, one string per
// printed line (blank lines are skipped).
type Sample struct {
	Name  string
	Image *raster.Bitmap
	Lines []string
}

// Report says what learning did.
type Report struct {
	// Samples counts the receipts learned (not those already learned),
	// Lines their lines.
	Samples, Lines int
	// Already lists receipts skipped as learned before (the same image
	// and text, see Dict.Learned) or given twice.
	Already []string
	// Skipped lists lines (or whole samples) that could not be lined up
	// with their text, and why.
	Skipped []string
	// New counts glyphs added; Unsure lists every glyph learning is not
	// sure of (also marked in the file).
	New    int
	Unsure []*Glyph
}

// observation is one glyph seen while learning.
type observation struct {
	box   image.Rectangle
	bits  string
	pos   int
	text  string
	multi bool // cut from several pieces, or two characters in one piece
	space bool // a space before it in the text
	lineH int  // height of its line
	src   source
}

// withClean prefers the widths of the first pass, learned from lines
// whose pieces and characters pair off one to one, over later ones for a
// character the first pass saw at any size (scaled to the others, see
// scaledWidth): a glyph broken in two, if lined up wrongly, would
// otherwise teach its neighbours' widths to go with it.
func withClean(clean, later map[string][]widthSample) map[string][]widthSample {
	if clean == nil {
		return later
	}
	out := map[string][]widthSample{}
	for t, v := range clean {
		out[t] = append(out[t], v...)
	}
	for t, v := range later {
		if len(clean[t]) == 0 {
			out[t] = append(out[t], v...)
		}
	}
	return out
}

// widthSample is how wide a character was at some height (its size).
type widthSample struct{ h, w int }

// sameSize reports glyph heights of one font size: within a dot (the
// next size up is at least two dots taller).
func sameSize(a, b int) bool { return a-b <= 1 && b-a <= 1 }

// widthIndex collects the widths of single characters seen so far.
func widthIndex(obs map[string][]observation) map[string][]widthSample {
	ws := map[string][]widthSample{}
	for _, os := range obs {
		for _, o := range os {
			if !o.multi {
				ws[o.text] = append(ws[o.text], widthSample{o.box.Dy(), o.box.Dx()})
			}
		}
	}
	return ws
}

// widthCost is what a box of w x h dots for text costs given the widths
// its characters had at about that height (or at the font's other sizes,
// scaled: a size where every line holds a broken glyph has no line that
// lines up one to one); before any are known,
// only a box far wider than its characters can be costs (a Latin letter
// is not much wider than its line is high, a CJK character not much wider
// than a square).
func (d *Dict) widthCost(text string, w, h, lineH int) float64 {
	limit := 0.0
	for _, r := range text {
		if r >= 0x2E80 {
			limit += 1.4 * float64(lineH)
		} else {
			limit += 1.25 * float64(lineH)
		}
	}
	if float64(w) > limit+2 {
		return 8
	}
	sum, ok := d.scaledWidth(text, h)
	if !ok {
		if sum, ok = priorWidth(text, h); ok {
			return 1.5 * math.Abs(float64(w)-sum) / math.Max(sum, 4)
		}
		return 0
	}
	return 3 * math.Abs(float64(w)-sum) / math.Max(sum, 4)
}

// priorWidth is how wide capitals and digits of height h usually are in
// any font, for a size where no line paired pieces and characters off one
// to one (every letter broken: AR PL UMing bold at 24 dots): a weak guess,
// costing half what a learned width does.
func priorWidth(text string, h int) (float64, bool) {
	sum := 0.0
	for _, r := range text {
		f := 0.0
		switch {
		case r == 'I':
			f = 0.2
		case r == '1':
			f = 0.4
		case r == 'J':
			f = 0.5
		case r == 'M' || r == 'W':
			f = 1.0
		case r >= 'A' && r <= 'Z':
			f = 0.75
		case r >= '0' && r <= '9':
			f = 0.6
		default:
			return 0, false
		}
		sum += f * float64(h)
	}
	return sum, true
}

func (o observation) key() string { return key(o.box.Dx(), o.box.Dy(), o.pos, o.bits) }

// maskedNumber finds a card number as drivers.MaskTextPANs leaves it:
// digits, then at least two mask characters (spaces or dashes between),
// then digits.
var maskedNumber = regexp.MustCompile(`[0-9][ -]?\*[* -]*\*[ -]?[0-9]`)

// Learn adds what the samples show to the dictionary. Each line is lined
// up with its text (which runs of pieces are which character) using the
// glyphs known so far, twice over, so that glyphs learned late help lines
// read early. A piece pattern seen as different texts keeps the most
// frequent and is marked unsure.
func (d *Dict) Learn(samples []Sample) Report {
	var rep Report
	type lineJob struct {
		s    *Sample
		l    raster.TextLine
		text string
		ref  string
		src  source
	}
	var jobs []lineJob
	learning := map[string]string{} // receipts learned now, by hash
	for i := range samples {
		s := &samples[i]
		var texts []string
		for _, t := range s.Lines {
			if strings.TrimSpace(t) != "" {
				texts = append(texts, strings.TrimSpace(t))
			}
		}
		h := receiptHash(s.Image, texts)
		if name, ok := d.learned[h]; ok {
			rep.Already = append(rep.Already, fmt.Sprintf("%s: already learned (the same image and text as %s, %s): skipped", s.Name, name, h))
			continue
		}
		if name, ok := learning[h]; ok {
			rep.Already = append(rep.Already, fmt.Sprintf("%s: the same image and text as %s: learned once", s.Name, name))
			continue
		}
		lines := raster.Lines(s.Image)
		if len(lines) != len(texts) {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: the image has %d lines of print, the text %d: not learned", s.Name, len(lines), len(texts)))
			continue
		}
		rep.Samples++
		learning[h] = s.Name
		for j, l := range lines {
			ref := source{s.Name, j + 1}.String()
			if maskedNumber.MatchString(texts[j]) {
				// The text holds a masked card number (an OCR draft is
				// masked before it is written): its '*' are not what the
				// paper shows, so the line teaches nothing.
				rep.Skipped = append(rep.Skipped, ref+": holds a masked card number: not learned")
				continue
			}
			jobs = append(jobs, lineJob{s, l, texts[j], ref, source{s.Name, j + 1}})
		}
	}
	// Easy lines first: where the pieces and the characters are about as
	// many, the lining up is nearly certain and anchors the rest.
	slices.SortStableFunc(jobs, func(a, b lineJob) int {
		return abs(len(a.l.Pieces)-countChars(a.text)) - abs(len(b.l.Pieces)-countChars(b.text))
	})
	before := d.Len()
	orig := d.clone()
	var obs map[string][]observation
	var gaps []gapSample
	const passes = 4
	var clean map[string][]widthSample // widths seen in the first pass
	for pass := 0; pass < passes; pass++ {
		d.widths, d.wideW = withClean(clean, widthIndex(obs)), nil
		if pass == 1 {
			clean = d.widths
		}
		obs, gaps = map[string][]observation{}, nil
		var skipped []string
		for _, j := range jobs {
			if pass == 0 && len(j.l.Pieces) != countChars(j.text) {
				// The first pass learns only from lines whose pieces
				// and characters pair off one to one: a glyph broken
				// in two next to two letters touching is rare, while
				// lining up a broken glyph with no shapes known yet
				// gives its halves to its neighbours.
				continue
			}
			obsv, gs, err := d.align(j.s.Image, j.l, j.text, j.src)
			if err != nil {
				skipped = append(skipped, j.ref+": "+err.Error())
				continue
			}
			gaps = append(gaps, gs...)
			for _, o := range obsv {
				k := key(o.box.Dx(), o.box.Dy(), o.pos, o.bits)
				obs[k] = append(obs[k], o)
				if pass == 0 && d.exact[k] == nil {
					d.add(&Glyph{Text: o.text, W: o.box.Dx(), H: o.box.Dy(), Pos: o.pos, Bits: o.bits, Seen: 1, L: -1, R: -1})
				}
			}
		}
		if pass == passes-1 {
			rep.Skipped = append(rep.Skipped, skipped...)
		}
		*d = *orig.clone() // this pass's readings guide the next one
		d.commit(obs, pass == passes-1)
	}
	rep.Lines = len(jobs)
	d.fitBearings(gaps)
	d.checkWidths()
	d.from = nil
	if len(learning) > 0 && d.learned == nil {
		d.learned = map[string]string{}
	}
	for h, name := range learning {
		d.learned[h] = name
	}
	rep.New = d.Len() - before
	for _, g := range d.glyphs {
		if g.Unsure != "" {
			rep.Unsure = append(rep.Unsure, g)
		}
	}
	return rep
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// countChars counts the characters of a line that print (not spaces).
func countChars(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// checkWidths marks glyphs much wider or narrower than the other glyphs
// of the same text and height: a piece of a neighbour was taken with it.
func (d *Dict) checkWidths() {
	type group struct {
		text string
		h    int
	}
	ws := map[group][]float64{}
	for _, g := range d.glyphs {
		ws[group{g.Text, g.H / 3}] = append(ws[group{g.Text, g.H / 3}], float64(g.W))
	}
	for _, g := range d.glyphs {
		v := ws[group{g.Text, g.H / 3}]
		if len(v) < 3 || g.Unsure != "" {
			continue
		}
		m := median(append([]float64(nil), v...))
		if float64(g.W) > 1.5*m+2 || float64(g.W) < m/1.5-2 {
			g.Unsure = fmt.Sprintf("%d dots wide where %q is usually %.0f", g.W, g.Text, m)
			if src := d.from[g.key()]; len(src) > 0 {
				g.Unsure += " (" + where(src) + ")"
			}
		}
	}
}

// plausible reports whether a glyph cut from several pieces (or holding
// several characters) is as wide as its characters are elsewhere, or, for
// a CJK character never seen alone, about as wide as its line is high.
func (d *Dict) plausible(o observation) bool {
	if c := d.widthCost(o.text, o.box.Dx(), o.box.Dy(), o.lineH); c > 0 || d.known(o.text, o.box.Dy()) {
		return c <= 0.3
	}
	if w, ok := d.scaledWidth(o.text, o.box.Dy()); ok && len([]rune(o.text)) > 1 {
		// letters touching, one never seen alone at this size: as wide
		// as its letters are at the other sizes, scaled
		return math.Abs(float64(o.box.Dx())-w) <= 0.1*w+1
	}
	if rest, ok := d.restWidth(o.text, o.box.Dx(), o.box.Dy()); ok {
		// letters touching, one never seen at all at this size: what
		// the others leave of the width is a letter's width
		return rest*4 >= float64(o.lineH) && rest <= 1.3*float64(o.lineH)
	}
	if isWide(o.text) && len([]rune(o.text)) == 1 {
		return o.box.Dx()*10 >= o.lineH*7 && o.box.Dx()*10 <= o.lineH*12
	}
	return false
}

// scaledWidth is how wide text is expected at height h: its characters'
// widths at this size, or, for one never seen alone at this size, its
// width at the other sizes of the font scaled by height.
func (d *Dict) scaledWidth(text string, h int) (float64, bool) {
	sum := 0.0
	for _, r := range text {
		same, scaled := widthsAt(d.widths[string(r)], h)
		switch {
		case len(same) > 0:
			sum += median(same)
		case len(scaled) > 0:
			sum += median(scaled)
		case r >= 0x2E80 && d.wideWidth(h) > 0:
			sum += d.wideWidth(h)
		default:
			return 0, false
		}
	}
	return sum, true
}

// widthsAt splits a character's width samples into those seen at height
// h (sameSize) and the others, scaled by height to h.
func widthsAt(samples []widthSample, h int) (same, scaled []float64) {
	for _, s := range samples {
		if sameSize(s.h, h) {
			same = append(same, float64(s.w))
		} else if s.h > 0 {
			scaled = append(scaled, float64(s.w)*float64(h)/float64(s.h))
		}
	}
	return same, scaled
}

// wideWidth is how wide CJK characters usually are at height h (0:
// none seen): a CJK font draws every character in the same square, so a
// character never seen alone is about as wide as the others.
func (d *Dict) wideWidth(h int) float64 {
	if w, ok := d.wideW[h]; ok {
		return w
	}
	var same, scaled []float64
	for t, ws := range d.widths {
		if !isWide(t) {
			continue
		}
		sa, sc := widthsAt(ws, h)
		same, scaled = append(same, sa...), append(scaled, sc...)
	}
	w := 0.0
	switch {
	case len(same) >= 3:
		w = median(same)
	case len(scaled) >= 3:
		w = median(scaled)
	}
	if d.wideW == nil {
		d.wideW = map[int]float64{}
	}
	d.wideW[h] = w
	return w
}

// restWidth is what is left of w for the one character of a touching
// run of Latin characters that has no width at height h, the others'
// widths taken off. ok is false unless exactly one has none.
func (d *Dict) restWidth(text string, w, h int) (float64, bool) {
	rs := []rune(text)
	if len(rs) < 2 || isWide(text) {
		return 0, false
	}
	rest, unknown := float64(w), 0
	for _, r := range rs {
		v, _ := widthsAt(d.widths[string(r)], h)
		if len(v) == 0 {
			unknown++
			continue
		}
		rest -= median(v)
	}
	return rest, unknown == 1
}

// known reports whether every character of text has a width sample at
// about this height.
func (d *Dict) known(text string, h int) bool {
	for _, r := range text {
		ok := false
		for _, s := range d.widths[string(r)] {
			if sameSize(s.h, h) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// either is the text of a glyph whose dots are those of two letters that
// many sans-serif fonts draw alike (l and I): it reads as I between
// capitals, as l elsewhere.
const either = "I|l"

var confusable = map[string]bool{"Il": true, "lI": true}

// clone copies the dictionary (glyphs included).
func (d *Dict) clone() *Dict {
	c := New(d.name)
	c.Space, c.bearing = d.Space, d.bearing
	if d.learned != nil {
		c.learned = maps.Clone(d.learned)
	}
	for _, g := range d.glyphs {
		cp := *g
		c.add(&cp)
	}
	return c
}

// onceOnly begins the note of a glyph cut from several pieces (or
// holding several characters) seen once only: seeing it again makes it
// sure (other notes stay until a technician deletes them).
const onceOnly = "cut from several pieces"

// commit turns observations into glyphs. final marks the unsure ones,
// saying where they were read, and counts the readings of a glyph
// learned before (from other receipts) with the new ones.
func (d *Dict) commit(obs map[string][]observation, final bool) {
	if final {
		d.widths, d.wideW, d.from = widthIndex(obs), nil, map[string][]source{}
		defer func() { d.widths, d.wideW = nil, nil }()
	}
	keys := make([]string, 0, len(obs))
	for k := range obs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		os := obs[k]
		count := map[string]int{}
		from := map[string][]source{}
		multi := 0
		for _, o := range os {
			count[o.text]++
			from[o.text] = append(from[o.text], o.src)
			if o.multi {
				multi++
			}
		}
		old := d.exact[k]
		if !final {
			old = nil // a pass's dictionary is the one learning started with plus guesses
		}
		if old != nil && old.Text != either {
			count[old.Text] += old.Seen // read as its text on receipts learned before
		}
		texts := make([]string, 0, len(count))
		for t := range count {
			texts = append(texts, t)
		}
		slices.SortFunc(texts, func(a, b string) int {
			if count[a] != count[b] {
				return count[b] - count[a]
			}
			return strings.Compare(a, b)
		})
		o := os[0]
		g := &Glyph{Text: texts[0], W: o.box.Dx(), H: o.box.Dy(), Pos: o.pos, Bits: o.bits, Seen: len(os), L: -1, R: -1}
		if old != nil {
			g.Seen += old.Seen
		}
		if len(texts) == 2 && confusable[texts[0]+texts[1]] {
			g.Text, texts = either, texts[:1] // the same dots: the neighbours tell
		}
		if final {
			for _, src := range from {
				d.from[k] = append(d.from[k], src...)
			}
			switch {
			case len(texts) > 1:
				var parts []string
				for _, t := range texts {
					p := fmt.Sprintf("%q %s", t, times(count[t]))
					var at []string
					if len(from[t]) > 0 {
						at = append(at, where(from[t]))
					}
					if old != nil && t == old.Text {
						at = append(at, fmt.Sprintf("%d on receipts learned before", old.Seen))
					}
					parts = append(parts, p+" ("+strings.Join(at, "; ")+")")
				}
				g.Unsure = "seen as " + strings.Join(parts, ", ")
			case multi == len(os) && g.Seen < 2 && !d.plausible(o):
				g.Unsure = fmt.Sprintf("%s (or several characters in one), seen once only (%s)", onceOnly, where([]source{o.src}))
			case old != nil && old.Unsure != "" && !strings.HasPrefix(old.Unsure, onceOnly):
				g.Unsure = old.Unsure // not checked yet
			}
		}
		d.add(g)
	}
}

// gapSample is the gap between two glyphs read next to each other.
type gapSample struct {
	a, b  string // their keys
	gap   int    // dots between their ink
	h     int    // the line's height
	space bool   // the text has a space there
}

// spaceThreshold picks the gap ratio that best tells spaces from the gaps
// between letters.
// fitBearings learns each glyph's bearings, the white it keeps on its
// left (L) and right (R): with whole-dot advances, the gap between two
// glyphs with no space between them is R of the first plus L of the
// second. Then a gap reads as a space when it exceeds that by Space times
// the glyph height: the threshold halfway between what letters and what
// spaces leave.
func (d *Dict) fitBearings(gs []gapSample) {
	left, right := map[string]float64{}, map[string]float64{}
	var all []float64
	for _, g := range gs {
		if !g.space {
			all = append(all, float64(g.gap)/2)
		}
	}
	if len(all) == 0 {
		return
	}
	def := median(all)
	get := func(m map[string]float64, k string) float64 {
		if v, ok := m[k]; ok {
			return v
		}
		return def
	}
	// One side, then the other with the side just fitted (fitting both
	// from the last round's values swings between two answers, and the
	// last swing left left and right together a dot or two wider than
	// the gaps between letters: spaces went unseen).
	for range 6 {
		rs := map[string][]float64{}
		for _, g := range gs {
			if !g.space {
				rs[g.a] = append(rs[g.a], float64(g.gap)-get(left, g.b))
			}
		}
		for k, v := range rs {
			right[k] = median(v)
		}
		ls := map[string][]float64{}
		for _, g := range gs {
			if !g.space {
				ls[g.b] = append(ls[g.b], float64(g.gap)-get(right, g.a))
			}
		}
		for k, v := range ls {
			left[k] = median(v)
		}
	}
	for _, g := range d.glyphs {
		// a glyph learned before and not next to another now keeps the
		// bearings it had
		k := g.key()
		if _, ok := left[k]; ok || g.L < 0 {
			g.L = int(math.Round(get(left, k)))
		}
		if _, ok := right[k]; ok || g.R < 0 {
			g.R = int(math.Round(get(right, k)))
		}
	}
	d.bearing = int(math.Round(def))
	var sp, no []float64
	for _, g := range gs {
		r := (float64(g.gap) - get(right, g.a) - get(left, g.b)) / float64(max(g.h, 1))
		if g.space {
			sp = append(sp, r)
		} else {
			no = append(no, r)
		}
	}
	if len(sp) >= 3 && len(no) >= 3 {
		slices.Sort(sp)
		slices.Sort(no)
		d.Space = (no[len(no)*95/100] + sp[len(sp)*5/100]) / 2
	}
}

func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

// align lines up a line's pieces with its text. It returns the glyphs
// it saw and the gaps between them.
func (d *Dict) align(b *raster.Bitmap, l raster.TextLine, text string, src source) ([]observation, []gapSample, error) {
	var chars []string
	var spaceBefore []bool
	sp := false
	for _, r := range text {
		if unicode.IsSpace(r) {
			sp = true
			continue
		}
		chars = append(chars, string(r))
		spaceBefore = append(spaceBefore, sp)
		sp = false
	}
	n, m := len(chars), len(l.Pieces)
	if n == 0 || m == 0 {
		return nil, nil, fmt.Errorf("nothing to line up (%d characters, %d pieces)", n, m)
	}
	type cell struct {
		cost   float64
		pi, pj int
		k      int // pieces taken (0: two characters in one piece)
	}
	inf := math.Inf(1)
	dp := make([][]cell, n+1)
	for i := range dp {
		dp[i] = make([]cell, m+1)
		for j := range dp[i] {
			dp[i][j].cost = inf
		}
	}
	dp[0][0].cost = 0
	gapBefore := func(j int) float64 {
		if j == 0 {
			return 0
		}
		a, b := l.Pieces[j-1], l.Pieces[j]
		return float64(b.Min.X-a.Max.X) / float64(max(a.Dy(), b.Dy(), 1))
	}
	spaceCost := func(i, j int) float64 {
		if i == 0 {
			return 0
		}
		g := gapBefore(j)
		switch {
		case spaceBefore[i] && g < 0.12:
			return 3
		case !spaceBefore[i] && g > 0.7:
			return 1
		}
		return 0
	}
	type hit struct {
		g    *Glyph
		conf float64
		done bool
	}
	cache := make([][maxPieces + 1]hit, m)
	glyphCost := func(j, k int, box image.Rectangle, text string) float64 {
		h := &cache[j][k]
		if !h.done {
			h.g, h.conf = d.match(b, box, l)
			h.done = true
		}
		return costOf(h.g, h.conf, text)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			c0 := dp[i][j].cost
			if c0 == inf {
				continue
			}
			wide := isWide(chars[i])
			for k := 1; k <= maxPieces && j+k <= m; k++ {
				box := union(l.Pieces[j : j+k])
				if k > 1 && box.Dx() > 2*l.Height()+4 {
					break
				}
				cost := c0 + spaceCost(i, j) + glyphCost(j, k, box, chars[i]) + d.widthCost(chars[i], box.Dx(), box.Dy(), l.Height())
				if cost == inf {
					continue
				}
				for q := j + 1; q < j+k; q++ {
					cost += 2 * gapBefore(q) // split where the gaps are
					if !wide {
						cost += 3
					} else {
						cost += 0.3
					}
				}
				if cost < dp[i+1][j+k].cost {
					dp[i+1][j+k] = cell{cost, i, j, k}
				}
			}
			// two to four characters touching in one piece
			text := chars[i]
			for c := 1; c < 4 && i+c < n && !spaceBefore[i+c]; c++ {
				text += chars[i+c]
				box := l.Pieces[j]
				cost := c0 + spaceCost(i, j) + 3*float64(c) + glyphCost(j, 1, box, text) + d.widthCost(text, box.Dx(), box.Dy(), l.Height())
				if cost < dp[i+c+1][j+1].cost {
					dp[i+c+1][j+1] = cell{cost, i, j, 0}
				}
			}
		}
	}
	if dp[n][m].cost == inf {
		return nil, nil, fmt.Errorf("%d characters cannot be lined up with %d pieces of print", n, m)
	}
	var obs []observation
	var gaps []gapSample
	for i, j := n, m; i > 0; {
		c := dp[i][j]
		box := union(l.Pieces[c.pj:j])
		text := chars[c.pi]
		if c.k == 0 {
			text = strings.Join(chars[c.pi:i], "")
		}
		obs = append(obs, observation{box: box, bits: b.Bits(box), pos: posOf(box, l), text: text, multi: c.k != 1, space: spaceBefore[c.pi], lineH: l.Height(), src: src})
		i, j = c.pi, c.pj
	}
	slices.Reverse(obs)
	for i := 1; i < len(obs); i++ {
		a, b := obs[i-1], obs[i]
		gaps = append(gaps, gapSample{a: a.key(), b: b.key(), gap: b.box.Min.X - a.box.Max.X, h: l.Height(), space: b.space})
	}
	return obs, gaps, nil
}

// costOf is what reading a box matched to g as text costs given the glyphs known: 0
// for a known glyph of that text, a lot for a known glyph of another.
func costOf(g *Glyph, conf float64, text string) float64 {
	switch {
	case g == nil:
		return 2
	case g.Text == text, g.Text == either && (text == "I" || text == "l"):
		return 1 - conf
	case conf == 1:
		return 6
	}
	return 3
}

// isWide reports a character printed full width (CJK): its first rune
// is (textwidth.Wide, shared with the print-stream decoder).
func isWide(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	return n > 0 && textwidth.Wide(r)
}
