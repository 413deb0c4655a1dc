package tesseract

import (
	"image"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// unsurePage reads every page as one line it is unsure of.
type unsurePage struct{}

func (unsurePage) Recognize(*raster.Bitmap) raster.Result {
	return raster.Result{Engine: "glyphs", Lines: []raster.Line{{Box: image.Rect(0, 0, 8, 8), Text: "T0TAL", Confidence: 0.2}}}
}

// TestFallbackTellsAFailure: when the tesseract program fails, the line
// keeps the dictionary's reading and the result's Engine says the program
// failed and why, as Recognize does; the failure is not swallowed.
func TestFallbackTellsAFailure(t *testing.T) {
	b := raster.New()
	for i := range 8 {
		b.Set(i, i)
	}
	f := Fallback{Primary: unsurePage{}, OCR: &Tesseract{Path: t.TempDir() + "/no-tesseract", Langs: "eng", version: "tesseract 5.3.0"}}
	res := f.Recognize(b)
	if len(res.Lines) != 1 || res.Lines[0].Text != "T0TAL" {
		t.Fatalf("lines %+v, want the dictionary's", res.Lines)
	}
	if !strings.HasPrefix(res.Engine, "glyphs + tesseract 5.3.0 eng (failed: ") {
		t.Errorf("engine %q does not tell the program failed", res.Engine)
	}
}

// TestFailedRunIsUnread: when the program fails, Recognize returns no
// lines and marks the image unread, so its receipt is journaled with its
// amounts not read (amounts_unsure) instead of as a receipt that printed
// nothing.
func TestFailedRunIsUnread(t *testing.T) {
	b := raster.New()
	for i := range 8 {
		b.Set(i, i)
	}
	tess := &Tesseract{Path: t.TempDir() + "/no-tesseract", Langs: "eng", version: "tesseract 5.3.0"}
	res := tess.Recognize(b)
	if !res.Unread || len(res.Lines) != 0 {
		t.Fatalf("failed run: unread %v, lines %+v; want unread and no lines", res.Unread, res.Lines)
	}
	if !strings.Contains(res.Engine, "(failed: ") {
		t.Errorf("engine %q does not tell the program failed", res.Engine)
	}
}
