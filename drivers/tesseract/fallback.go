package tesseract

import (
	"strings"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// pageReader is a recogniser (glyphs.Dict).
type pageReader interface {
	Recognize(b *raster.Bitmap) raster.Result
}

// Fallback reads a page with Primary (a glyph dictionary) and gives each
// line Primary is unsure of to Tesseract, one line at a time. Its Engine
// names both when Tesseract was asked, and the program's first failure
// (such a line keeps Primary's reading).
type Fallback struct {
	Primary pageReader
	OCR     *Tesseract
}

// Recognize implements escpos.Recognizer.
func (f Fallback) Recognize(b *raster.Bitmap) raster.Result {
	res := f.Primary.Recognize(b)
	asked := false
	var failed error // the first failure of the program, told in Engine
	for i, l := range res.Lines {
		if !l.Unsure() {
			continue
		}
		asked = true
		lines, err := f.OCR.Read(b.Sub(l.Box.Inset(-2)), 7)
		if err != nil && failed == nil {
			failed = err
		}
		if err != nil || len(lines) == 0 {
			continue
		}
		nl := raster.Line{Box: l.Box, Confidence: 1, Bold: l.Bold}
		var texts []string
		for _, t := range lines {
			texts = append(texts, t.Text)
			nl.Confidence = min(nl.Confidence, t.Confidence)
			nl.Glyphs += t.Glyphs
		}
		nl.Text = strings.Join(texts, " ")
		res.Lines[i] = nl
	}
	if asked {
		res.Engine += " + " + f.OCR.Engine()
		if failed != nil {
			res.Engine += " (failed: " + failed.Error() + ")"
		}
	}
	return res
}
