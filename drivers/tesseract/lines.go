package tesseract

import (
	"image"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// pad is the white frame around each image given to Tesseract, in
// scaled dots.
const pad = 10

// wordGap is the gap between inked columns, in hundredths of the page's
// usual line height, from which a line is cut into words: a space between
// words is wider (a quarter em and the glyphs' bearings), the gap between
// two Chinese characters or the letters of a word narrower. Measured on
// the corpus's calibration and learn receipts (0.25 to 0.3 read best).
const wordGap = 30

// page is a page cut into text lines, the way the glyph dictionary cuts
// it: the raster's rows tell exactly where lines are, better than
// Tesseract's own layout analysis of a receipt with wide gaps.
type page struct {
	b     *raster.Bitmap
	lines []raster.TextLine
	// em is the usual line height (the median), the unit of gaps.
	em int
}

func newPage(b *raster.Bitmap) page {
	p := page{b: b, lines: raster.Lines(b)}
	hs := make([]int, 0, len(p.lines))
	for _, l := range p.lines {
		hs = append(hs, l.Box.Dy())
	}
	if len(hs) > 0 {
		slices.Sort(hs)
		p.em = hs[len(hs)/2]
	}
	return p
}

// words cuts line l at its wide gaps: boxes spanning the line's rows, so
// every word of a line has the line's height (the models scale a line by
// its height).
func (p page) words(l raster.TextLine) []image.Rectangle {
	var out []image.Rectangle
	for k, pc := range l.Pieces {
		r := image.Rect(pc.Min.X, l.Box.Min.Y, pc.Max.X, l.Box.Max.Y)
		if k > 0 && !p.space(l, k) {
			out[len(out)-1] = out[len(out)-1].Union(r)
			continue
		}
		out = append(out, r)
	}
	return out
}

// space reports whether the gap before piece k of line l is a space
// between words: at least wordGap, except before a dot or a colon (a piece
// at most 0.15 of the line height wide and 0.6 high) closer than half the
// line height: a monospaced font (AR PL UMing) centres them in a wide
// cell, which leaves "收银员:" and "1234567.89" with wide gaps.
func (p page) space(l raster.TextLine, k int) bool {
	pc, gap := l.Pieces[k], l.Pieces[k].Min.X-l.Pieces[k-1].Max.X
	if gap*100 < p.em*wordGap {
		return false
	}
	h := l.Box.Dy()
	dot := pc.Dx()*100 <= h*15 && pc.Dy()*100 <= h*60
	return !(dot && gap*2 < p.em)
}

// image returns the dots of box as a grey image framed in white, its
// strokes thickened by a dot when they are hairlines (strokeWidth below
// hairline).
func (t *Tesseract) image(b *raster.Bitmap, box image.Rectangle) *image.Gray {
	sub := b.Sub(box.Inset(-1))
	if strokeWidth(b, box) < hairline {
		sub = thicken(sub)
	}
	return sub.Image(max(t.Scale, 1), pad)
}

// langs splits the Tesseract languages into the Latin model (eng) and
// the others (chi_sim), each "" when not asked for.
func (t *Tesseract) langs() (latin, other string) {
	var others []string
	for _, l := range strings.Split(t.Langs, "+") {
		if l == "eng" {
			latin = l
		} else if l != "" {
			others = append(others, l)
		}
	}
	return latin, strings.Join(others, "+")
}

// readLines reads the given lines of page p in at most two runs of the
// program, each line as images of its own (--psm 7, one text line):
//
//   - with one model (eng, or chi_sim alone), each line is one image;
//   - with Chinese and English, the words (cut at the raster's wide gaps)
//     that may be Chinese (as tall as the line) are read with the Chinese
//     model first; a word it reads as Chinese characters that fit the
//     word's width (hanWord) keeps that reading, and every run of the
//     other words of a line is read as one image with the English model,
//     which reads Latin text, quantities and amounts better than the
//     Chinese model and better than both models together (measured).
func (t *Tesseract) readLines(p page, lines []raster.TextLine) ([]raster.Line, error) {
	latin, other := t.langs()
	out := make([]raster.Line, len(lines))
	for i, l := range lines {
		out[i] = raster.Line{Box: l.Box, Confidence: 1}
	}
	if latin == "" || other == "" {
		imgs := make([]*image.Gray, len(lines))
		for i, l := range lines {
			imgs[i] = t.image(p.b, l.Box)
		}
		got, err := t.run(imgs, t.Langs, 7)
		if err != nil {
			return nil, err
		}
		for i := range lines {
			setLine(&out[i], got[i], " ")
		}
		return out, nil
	}
	// The Chinese model reads the words that may be Chinese.
	words := make([][]image.Rectangle, len(lines))
	type at struct{ line, word int }
	var cand []at
	var imgs []*image.Gray
	for i, l := range lines {
		words[i] = p.words(l)
		for k, w := range words[i] {
			if tall(l, w) {
				cand = append(cand, at{i, k})
				imgs = append(imgs, t.image(p.b, w))
			}
		}
	}
	zh, err := t.run(imgs, other, 7)
	if err != nil {
		return nil, err
	}
	han := make([][][]word, len(lines)) // the Chinese words' readings
	for i := range lines {
		han[i] = make([][]word, len(words[i]))
	}
	for j, c := range cand {
		if hanWord(lines[c.line], words[c.line][c.word], zh[j]) {
			han[c.line][c.word] = zh[j]
		}
	}
	// The English model reads the runs of other words.
	type run struct {
		line, from int // the run starts at word from
		box        image.Rectangle
	}
	var runs []run
	imgs = imgs[:0]
	for i, ws := range words {
		for k := 0; k < len(ws); k++ {
			if han[i][k] != nil {
				continue
			}
			rn := run{i, k, ws[k]}
			for k+1 < len(ws) && han[i][k+1] == nil {
				k++
				rn.box = rn.box.Union(ws[k])
			}
			runs = append(runs, rn)
			imgs = append(imgs, t.image(p.b, rn.box))
		}
	}
	en, err := t.run(imgs, latin, 7)
	if err != nil {
		return nil, err
	}
	parts := make([][]word, len(lines))
	r := 0
	for i, ws := range words {
		for k := range ws {
			switch {
			case han[i][k] != nil:
				parts[i] = append(parts[i], word{Text: joined(han[i][k], ""), Conf: lineConf(han[i][k])})
			case r < len(runs) && runs[r].line == i && runs[r].from == k:
				if len(en[r]) > 0 {
					parts[i] = append(parts[i], word{Text: p.joinGaps(lines[i], runs[r].box, max(t.Scale, 1), en[r]), Conf: lineConf(en[r])})
				}
				r++
			}
		}
		setLine(&out[i], parts[i], " ")
	}
	return out, nil
}

// inkHeight is the height of the tallest piece of line l inside box w.
func inkHeight(l raster.TextLine, w image.Rectangle) int {
	h := 0
	for _, pc := range l.Pieces {
		if pc.Min.X >= w.Min.X && pc.Max.X <= w.Max.X {
			h = max(h, pc.Dy())
		}
	}
	return h
}

// tall reports whether word w of line l is as tall as the line (0.85 of
// it at least), as Chinese characters are in a line that has them: Latin
// letters, digits and punctuation are shorter than Chinese characters,
// a Latin word is as tall as its line only with its tallest letters.
func tall(l raster.TextLine, w image.Rectangle) bool {
	return inkHeight(l, w)*100 >= l.Box.Dy()*85
}

// hanWord reports whether the Chinese model's reading of word box w of
// line l is Chinese: mostly Chinese characters, as many as fit the word's
// width (a Chinese character is about as wide as it is high: 0.92 to 1.09
// of the line height on the corpus). A Latin word the Chinese model takes
// for Chinese reads as characters of the wrong width.
func hanWord(l raster.TextLine, w image.Rectangle, ws []word) bool {
	han, all := hanCount(joined(ws, ""))
	if han == 0 || 2*han < all {
		return false
	}
	h := inkHeight(l, w)
	perChar := w.Dx() * 100 / han
	return perChar >= h*80 && perChar <= h*135
}

// joinGaps joins the words Tesseract read in box w of line l (an image
// framed by pad) with a space where the raster has a gap as wide as
// between words: where Tesseract puts its spaces in a monospaced font
// ("347 .90") does not say where the printed spaces are.
func (p page) joinGaps(l raster.TextLine, w image.Rectangle, scale int, ws []word) string {
	var cuts []int // twice the x of the wide gaps' centres, in the image
	for k := 1; k < len(l.Pieces); k++ {
		a, b := l.Pieces[k-1], l.Pieces[k]
		if a.Min.X >= w.Min.X && b.Max.X <= w.Max.X && p.space(l, k) {
			cuts = append(cuts, scale*(a.Max.X+b.Min.X-2*(w.Min.X-1))+2*pad)
		}
	}
	var s strings.Builder
	for j, wd := range ws {
		if j > 0 {
			a, c := ws[j-1].X0+ws[j-1].X1, wd.X0+wd.X1
			for _, x := range cuts {
				if x > a && x < c {
					s.WriteByte(' ')
					break
				}
			}
		}
		s.WriteString(wd.Text)
	}
	return s.String()
}

// setLine fills l's text, glyph count and confidence from its words
// (look-alike letters of its quantities and amounts read as digits:
// fixDigits).
func setLine(l *raster.Line, ws []word, sep string) {
	l.Text = fixDigits(joined(ws, sep))
	l.Glyphs = utf8.RuneCountInString(l.Text) - strings.Count(l.Text, " ")
	l.Confidence = lineConf(ws)
	if len(ws) == 0 {
		l.Confidence = 0
	}
}

func joined(ws []word, sep string) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(w.Text)
	}
	return b.String()
}

// lineConf is the confidence of a line (or part of one) of words: the
// lowest of its words that hold digits, or of all its words when none
// does. The line's confidence decides whether its digits are trusted
// (raster.Sure): a label read with less confidence than its amount is
// matched by the receipt profile or not, and cannot turn into another
// amount.
func lineConf(ws []word) float64 {
	c, digits := 1.0, false
	for _, w := range ws {
		if strings.ContainsFunc(w.Text, unicode.IsDigit) {
			c, digits = min(c, w.Conf), true
		}
	}
	if digits {
		return c
	}
	return minConf(ws)
}

func minConf(ws []word) float64 {
	c := 1.0
	for _, w := range ws {
		c = min(c, w.Conf)
	}
	return c
}

// hanCount counts the Chinese characters and all characters but spaces.
func hanCount(s string) (han, all int) {
	for _, r := range s {
		if r == ' ' {
			continue
		}
		all++
		if unicode.Is(unicode.Han, r) {
			han++
		}
	}
	return han, all
}
