package doctor

import (
	"context"
	"errors"
	"fmt"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/drivers/ocr"
	"github.com/tillwatch/tillwatch/drivers/tesseract"
)

// recognitionCheck returns the check of a raster lane's printer: whether
// what reads its printed images (the glyph dictionary, Tesseract) opens
// as the agent will open it at start. A printer that reads no images
// (no glyphs, ocr none or unset) has no such check.
func recognitionCheck(d configs.Device) (Check, bool) {
	mode := d.OCR
	if mode == "" {
		mode = ocr.None // as the lane does: images are read only when told to
	}
	if d.Role != configs.RolePrinter || (d.Glyphs == "" && mode == ocr.None) {
		return Check{}, false
	}
	name := "recognition " + d.Name
	return Check{Name: name, Run: func(context.Context) Result { return checkRecognition(name, d.Glyphs, mode) }}, true
}

// checkRecognition opens the recogniser the way the lane does.
func checkRecognition(name, glyphsPath, mode string) Result {
	r := Result{Name: name}
	rec, err := ocr.Open(glyphsPath, mode)
	switch {
	case errors.Is(err, tesseract.ErrMissing):
		r.Status, r.Detail = Fail, err.Error()
		r.Hint = "the agent will not start with ocr: tesseract: install Debian's tesseract-ocr and tesseract-ocr-chi-sim, or set the printer's ocr: to auto (Tesseract when installed) or none"
	case err != nil:
		r.Status, r.Detail = Fail, err.Error()
		r.Hint = "the agent will not start with this: copy the dictionary from a lane with the same printer driver, or learn it again (tillwatch profile learn)"
	case rec == nil:
		r.Status, r.Detail = Warn, "nothing reads the printed images: Tesseract is not installed and no glyph dictionary is set"
		r.Hint = "receipts printed as images will have no amounts: learn a glyph dictionary (tillwatch profile learn) or install Debian's tesseract-ocr and tesseract-ocr-chi-sim"
	default:
		r.Detail = describe(rec)
	}
	return r
}

// describe names what reads the images.
func describe(rec any) string {
	switch v := rec.(type) {
	case *glyphs.Dict:
		return "glyph dictionary (no Tesseract fallback)"
	case *tesseract.Tesseract:
		return fmt.Sprintf("Tesseract alone (%s): no glyph dictionary", v.Engine())
	case tesseract.Fallback:
		return fmt.Sprintf("glyph dictionary, Tesseract (%s) for the lines it cannot read", v.OCR.Engine())
	}
	return fmt.Sprintf("%T", rec)
}
