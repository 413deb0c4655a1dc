package tesseract

import (
	"image"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// bits draws a bitmap from rows of '#' (ink) and '.'.
func bits(rows ...string) *raster.Bitmap {
	b := raster.New()
	for y, r := range rows {
		for x, c := range r {
			if c == '#' {
				b.Set(x, y)
			}
		}
	}
	b.Grow(len(rows))
	return b
}

func TestStrokeWidth(t *testing.T) {
	for _, c := range []struct {
		name string
		b    *raster.Bitmap
		want int // hundredths of a dot
	}{
		{"hairline box: its corners lie on runs of 4 and 5", bits(
			"#####",
			"#...#",
			"#...#",
			"#####"), (4*4 + 10) * 100 / 14},
		{"2-dot stem", bits(
			"##",
			"##",
			"##",
			"##"), 200},
		{"3-dot bar", bits(
			"########",
			"########",
			"########"), 300},
		{"hairline cross: its centre lies on two runs of 5", bits(
			"..#..",
			"..#..",
			"#####",
			"..#..",
			"..#.."), (5 + 8) * 100 / 9},
		{"hairline", bits(
			"#.........",
			"#.........",
			"#.........",
			"#........."), 100},
		{"blank", bits("....", "...."), 0},
	} {
		if got := strokeWidth(c.b, image.Rect(0, 0, c.b.W, c.b.H)); got != c.want {
			t.Errorf("%s: stroke width %d, want %d", c.name, got, c.want)
		}
	}
}

// TestHairlinesThickened: a 1-dot stroke becomes 2 dots wide (the image
// given to Tesseract), a stroke wider than hairline is left as printed.
func TestHairlinesThickened(t *testing.T) {
	thin := bits(
		"..........",
		".#.......#",
		".#.......#",
		".#########",
		"..........")
	want := strings.Join([]string{
		"...........",
		".##......##",
		".##......##",
		".##########",
		".##########",
	}, "")
	if got := thicken(thin).Bits(image.Rect(0, 0, 11, 5)); got != want {
		t.Errorf("thickened %s, want %s", got, want)
	}
	tt := &Tesseract{Scale: 1}
	for _, c := range []struct {
		name  string
		b     *raster.Bitmap
		thick bool
	}{
		{"hairline", thin, true},
		{"2-dot strokes", bits(
			"........",
			".##..##.",
			".##..##.",
			".######.",
			".######.",
			"........"), false},
	} {
		box := image.Rect(0, 0, c.b.W, c.b.H)
		img := tt.image(c.b, box)
		ink := 0
		for _, p := range img.Pix {
			if p == 0 {
				ink++
			}
		}
		n := strings.Count(c.b.Bits(box), "#")
		if (ink > n) != c.thick {
			t.Errorf("%s: %d dots of ink given for %d printed, want thickened %v", c.name, ink, n, c.thick)
		}
	}
}
