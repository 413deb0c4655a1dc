// Package ocr builds the recogniser of a raster lane from its settings:
// a glyph dictionary file (drivers/glyphs) and whether Tesseract
// (drivers/tesseract) may read what the dictionary cannot.
package ocr

import (
	"errors"
	"fmt"

	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/drivers/tesseract"
)

// Modes of the Tesseract setting.
const (
	// Auto uses Tesseract when it is installed: as the fallback of a
	// glyph dictionary, or alone when there is none.
	Auto = "auto"
	// Tesseract requires it (an error when it is missing).
	Tesseract = "tesseract"
	// None never runs it: only the dictionary reads.
	None = "none"
)

// Modes lists the valid settings.
var Modes = []string{Auto, Tesseract, None}

// Open returns the recogniser for a glyph dictionary file (may be "") and
// a Tesseract mode ("" is Auto). It returns nil, nil when nothing can
// read images (no dictionary, no Tesseract): the lane then reports
// graphics-only receipts as before.
func Open(glyphsPath, mode string) (escpos.Recognizer, error) {
	var dict *glyphs.Dict
	if glyphsPath != "" {
		d, err := glyphs.Open(glyphsPath)
		if err != nil {
			return nil, fmt.Errorf("ocr: %w", err)
		}
		dict = d
	}
	var tess *tesseract.Tesseract
	switch mode {
	case "", Auto:
		t, err := tesseract.Find("")
		if err != nil && !errors.Is(err, tesseract.ErrMissing) {
			return nil, fmt.Errorf("ocr: %w", err)
		}
		tess = t
	case Tesseract:
		t, err := tesseract.Find("")
		if err != nil {
			return nil, fmt.Errorf("ocr: %w", err)
		}
		tess = t
	case None:
	default:
		return nil, fmt.Errorf("ocr: unknown mode %q (want auto, tesseract or none)", mode)
	}
	switch {
	case dict != nil && tess != nil:
		return tesseract.Fallback{Primary: dict, OCR: tess}, nil
	case dict != nil:
		return dict, nil
	case tess != nil:
		return tess, nil
	}
	return nil, nil
}
