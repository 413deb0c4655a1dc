package rastertest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/sim"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// DriverPage draws the lines a register's text print job prints as a
// Windows driver does: one image 576 dots wide, the first line bold. The
// card number PAN, which the decoder masks, is drawn as the register sent
// it.
func DriverPage(t testing.TB, f *rasterprint.Font, job []byte) (*raster.Bitmap, []string) {
	t.Helper()
	dec := escpos.New(escpos.Options{})
	var lines []rasterprint.Line
	for _, e := range append(dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: job}), dec.FlushAll()...) {
		if r, ok := e.(*drivers.Receipt); ok {
			for i, l := range r.Lines {
				text := strings.ReplaceAll(strings.TrimSpace(l.Text), PAN[:6]+"******"+PAN[12:], PAN)
				lines = append(lines, rasterprint.Line{Left: text, Bold: i == 0})
			}
		}
	}
	return rasterprint.Render(f, lines, 576, 8)
}

// LearnDriver is what a technician does once per driver: print a few
// receipts, type their text, run profile learn. It learns f from the
// calibration print and receipts, each drawn as DriverPage draws it, and
// saves the dictionary to path.
func LearnDriver(t testing.TB, f *rasterprint.Font, path string, receipts ...sim.Receipt) {
	t.Helper()
	page, text := rasterprint.Render(f, rasterprint.Calibration(false), 576, 8)
	ss := []glyphs.Sample{{Name: "calibration", Image: page, Lines: text}}
	for _, r := range receipts {
		job, err := r.ESCPOS()
		if err != nil {
			t.Fatal(err)
		}
		page, text := DriverPage(t, f, job)
		ss = append(ss, glyphs.Sample{Name: r.Number, Image: page, Lines: text})
	}
	d := glyphs.New(filepath.Base(path))
	if rep := d.Learn(ss); len(rep.Skipped) > 0 {
		t.Logf("learn skipped: %v", rep.Skipped)
	}
	if err := d.Save(path); err != nil {
		t.Fatal(err)
	}
}
