// Package rastertest holds what tests of a raster printer's redaction
// share: the Go fonts to draw receipts in, a glyph dictionary learned from
// them, a receipt with a card number drawn as an image, a recogniser that
// reads nothing, and a serial line's pace of delivery.
package rastertest

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// PAN is a Luhn-valid test card number.
const PAN = "4111111111111111"

// GoFont returns the Go fonts (regular and bold) at 24 dots, as a Windows
// driver draws a receipt.
func GoFont(t testing.TB) *rasterprint.Font {
	t.Helper()
	f, err := rasterprint.ParseFont("go", goregular.TTF, gobold.TTF, 24)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Learn learns the glyph dictionary go.glyphs of f from a calibration
// print and pages (each the lines of one receipt), drawn 576 dots wide, as
// a technician's profile learn does from typed-in prints.
func Learn(t testing.TB, f *rasterprint.Font, pages ...[]rasterprint.Line) *glyphs.Dict {
	t.Helper()
	d := glyphs.New("go.glyphs")
	d.Learn(Samples(f, pages...))
	return d
}

// Samples are what Learn learns from: the calibration print of f (named
// "calibration") and pages (named "page 1", "page 2", ...), each drawn 576
// dots wide with its text.
func Samples(f *rasterprint.Font, pages ...[]rasterprint.Line) []glyphs.Sample {
	page, text := rasterprint.Render(f, rasterprint.Calibration(false), 576, 8)
	ss := []glyphs.Sample{{Name: "calibration", Image: page, Lines: text}}
	for i, lines := range pages {
		page, text := rasterprint.Render(f, lines, 576, 8)
		ss = append(ss, glyphs.Sample{Name: fmt.Sprintf("page %d", i+1), Image: page, Lines: text})
	}
	return ss
}

// PANLines are two card lines printing full numbers: pan's and
// 5555555555554444's (a receipt to learn a card number's digits from).
func PANLines(pan string) []rasterprint.Line {
	return []rasterprint.Line{{Left: "CARD " + pan, Right: "3.98"}, {Left: "CARD 5555555555554444", Right: "0.12"}}
}

// PANReceipt returns a receipt printed as one GS v 0 image 576 dots wide
// whose card line holds the full number PAN.
func PANReceipt(t testing.TB) []byte {
	t.Helper()
	page, _ := rasterprint.Render(GoFont(t), []rasterprint.Line{{Left: "TOTAL", Right: "3.98", Bold: true},
		{Left: "CARD " + PAN, Right: "3.98"}}, 576, 8)
	return rasterprint.Encode(page, 576, rasterprint.GSv0)
}

// ReadsNothing is a recogniser that reads no text: what a redactor lets
// through is then the image's dots as sent, or zeros.
type ReadsNothing struct{}

// Recognize reads nothing.
func (ReadsNothing) Recognize(*raster.Bitmap) raster.Result { return raster.Result{} }

// Feed hands data from the host to chunk as a serial line delivers it:
// 512 bytes at a time, 50 ms apart, the first at at.
func Feed(at time.Time, data []byte, chunk func(drivers.Chunk)) {
	for len(data) > 0 {
		n := min(len(data), 512)
		chunk(drivers.Chunk{Time: at, Dir: drivers.FromHost, Data: data[:n]})
		data, at = data[n:], at.Add(50*time.Millisecond)
	}
}
