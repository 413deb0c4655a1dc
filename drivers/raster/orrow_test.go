package raster

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestOrRowMatchesDots checks OrRow's shifted path (x not on a byte, or
// dots twice as wide) against drawing the same row dot by dot with Set:
// the same dots, width, height and clipped count.
func TestOrRowMatchesDots(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		src := make([]byte, r.IntN(140))
		for i := range src {
			if r.IntN(3) > 0 {
				src[i] = byte(r.IntN(256))
			}
		}
		sx := 1 + r.IntN(2)
		a, b := New(), New()
		for k := range 2 {
			x, y := r.IntN(1100), r.IntN(40)
			if sx == 1 && x&7 == 0 {
				x++ // the byte-aligned path copies bytes
			}
			a.OrRow(x, y, src, sx)
			b.Grow(y + 1)
			b.orRowDots(x, y, src, sx)
			if a.W != b.W || a.H != b.H || a.Clipped != b.Clipped || !bytes.Equal(a.pix, b.pix) {
				t.Fatalf("row %d at x %d, sx %d: W %d/%d H %d/%d clipped %d/%d", k, x, sx, a.W, b.W, a.H, b.H, a.Clipped, b.Clipped)
			}
		}
	}
}

// TestSizeOnly draws the same rows and dots on a bitmap and on a size-only
// one: the same size and clipped count, and no dot kept.
func TestSizeOnly(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	a, b := New(), NewSizeOnly()
	for range 5000 {
		src := make([]byte, r.IntN(140))
		for i := range src {
			src[i] = byte(r.IntN(256))
		}
		x, y, sx := r.IntN(1100), r.IntN(400), 1+r.IntN(2)
		if r.IntN(4) == 0 {
			x &^= 7
		}
		a.OrRow(x, y, src, sx)
		b.OrRow(x, y, src, sx)
		sx2, sy2, h := r.IntN(1100), r.IntN(500), r.IntN(600)
		a.Set(sx2, sy2)
		b.Set(sx2, sy2)
		a.Grow(h)
		b.Grow(h)
	}
	if a.W != b.W || a.H != b.H || a.Clipped != b.Clipped {
		t.Fatalf("W %d/%d H %d/%d clipped %d/%d", a.W, b.W, a.H, b.H, a.Clipped, b.Clipped)
	}
	if b.At(0, 0) || b.Row(1) != nil || b.pix != nil {
		t.Fatal("a size-only bitmap keeps dots")
	}
}

// TestReset: a reset bitmap is empty, and the rows it grows again are
// blank whether its memory was kept or not.
func TestReset(t *testing.T) {
	for _, keep := range []int{0, 1 << 20} {
		b := New()
		b.OrRow(0, 9, []byte{0xFF, 0x81}, 1)
		b.Set(2000, 3)
		b.Reset(keep)
		if b.W != 0 || b.H != 0 || b.Clipped != 0 || (keep == 0) != (cap(b.pix) == 0) {
			t.Fatalf("keep %d: W %d H %d clipped %d cap %d", keep, b.W, b.H, b.Clipped, cap(b.pix))
		}
		b.Grow(10)
		for y := range 10 {
			if !bytes.Equal(b.pix[y*stride:(y+1)*stride], make([]byte, stride)) {
				t.Fatalf("keep %d: row %d not blank", keep, y)
			}
		}
	}
}
