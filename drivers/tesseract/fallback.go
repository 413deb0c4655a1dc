package tesseract

import (
	"image"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// pageReader is a recogniser (glyphs.Dict).
type pageReader interface {
	Recognize(b *raster.Bitmap) raster.Result
}

// Fallback reads a page with Primary (a glyph dictionary) and gives the
// lines Primary is unsure of to Tesseract, all in one go (readLines: at
// most two runs of the program per page). Its Engine names both when
// Tesseract was asked, and the program's failure (the lines then keep
// Primary's reading).
type Fallback struct {
	Primary pageReader
	OCR     *Tesseract
}

// Recognize implements escpos.Recognizer.
func (f Fallback) Recognize(b *raster.Bitmap) raster.Result {
	res := f.Primary.Recognize(b)
	var unsure []int
	for i, l := range res.Lines {
		if l.Unsure() {
			unsure = append(unsure, i)
		}
	}
	if len(unsure) == 0 {
		return res
	}
	res.Engine += " + " + f.OCR.Engine()
	p := newPage(b)
	var lines []raster.TextLine
	var which []int
	for _, i := range unsure {
		if tl, ok := p.line(res.Lines[i].Box); ok {
			lines = append(lines, tl)
			which = append(which, i)
		}
	}
	read, err := f.OCR.readLines(p, lines)
	if err != nil {
		res.Engine += " (failed: " + err.Error() + ")"
		return res
	}
	for j, i := range which {
		if read[j].Text == "" {
			continue
		}
		nl := read[j]
		nl.Box, nl.Bold = res.Lines[i].Box, res.Lines[i].Bold
		res.Lines[i] = nl
	}
	return res
}

// line returns the page's text line that overlaps box most.
func (p page) line(box image.Rectangle) (raster.TextLine, bool) {
	best, most := -1, 0
	for i, l := range p.lines {
		if o := l.Box.Intersect(box); !o.Empty() && o.Dx()*o.Dy() > most {
			best, most = i, o.Dx()*o.Dy()
		}
	}
	if best < 0 {
		return raster.TextLine{}, false
	}
	return p.lines[best], true
}
