package tesseract

import (
	"image"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// hairline is the stroke width (in hundredths of a dot, strokeWidth)
// below which a text's strokes are thickened before recognition: the
// models were trained on text whose strokes are several pixels wide at
// their input height and lose 1-dot strokes (AR PL UMing at 20-28 dots
// measures 1.1-2.0 dots; Noto Sans CJK and WenQuanYi Zen Hei 1.8-6).
// Chosen on the corpus's calibration and learn receipts (never on its
// test receipts): thickening below 1.7, 1.8, 1.9 and 2.0 dots left 245,
// 231, 237 and 239 character errors on the 24 AR PL UMing ones (333 not
// thickened; the Noto and WenQuanYi ones read the same with or without
// it); a 2x2 thickening left fewer errors than one dot to the right only
// (256 and 264, measured before fixDigits), thickening twice more where
// strokes measure under 1.3 or 1.5 dots left 299 and 319, and doubling
// the image and thickening by a pixel instead left 464.
const hairline = 180

// strokeWidth is the usual width of the strokes inside box r of b, in
// hundredths of a dot: the mean, over the inked dots, of the shorter of
// the horizontal and vertical runs of ink through the dot (a dot of a
// vertical stem lies on a short horizontal run, a dot of a horizontal bar
// on a short vertical one). Corners and crossings lie on two long runs
// and count wide, so a font of 1-dot strokes measures more than 1 dot
// (AR PL UMing at 20 dots: 1.1 to 1.5). 0 when the box has no ink.
func strokeWidth(b *raster.Bitmap, r image.Rectangle) int {
	r = r.Intersect(image.Rect(0, 0, b.W, b.H))
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return 0
	}
	at := func(x, y int) bool { return b.At(r.Min.X+x, r.Min.Y+y) }
	hrun := make([]int, w*h)
	for y := range h {
		inkRuns(w, func(x int) bool { return at(x, y) }, func(x, run int) { hrun[y*w+x] = run })
	}
	sum, n := 0, 0
	for x := range w {
		inkRuns(h, func(y int) bool { return at(x, y) }, func(y, run int) {
			sum += min(hrun[y*w+x], run)
			n++
		})
	}
	if n == 0 {
		return 0
	}
	return sum * 100 / n
}

// inkRuns walks a row or column of n dots (ink says whether dot i is
// inked) and calls each for every inked dot with the length of the run of
// ink it lies on.
func inkRuns(n int, ink func(i int) bool, each func(i, run int)) {
	for i := 0; i < n; {
		if !ink(i) {
			i++
			continue
		}
		i0 := i
		for i < n && ink(i) {
			i++
		}
		for k := i0; k < i; k++ {
			each(k, i-i0)
		}
	}
}

// thicken returns b with every inked dot also inking the dot to its
// right, the dot below it and the one below right: a 1-dot stroke
// becomes 2 dots wide, the text a dot wider and taller.
func thicken(b *raster.Bitmap) *raster.Bitmap {
	out := raster.New()
	for y := 0; y < b.H; y++ {
		for x := 0; x < b.W; x++ {
			if !b.At(x, y) {
				continue
			}
			out.Set(x, y)
			out.Set(x+1, y)
			out.Set(x, y+1)
			out.Set(x+1, y+1)
		}
	}
	out.Grow(b.H)
	return out
}
