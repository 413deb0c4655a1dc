// Package raster holds the one-bit page image a receipt printer prints from
// image commands (ESC/POS GS v 0, ESC * bands, GS ( L graphics), bounded so
// that no input can make it large, and the cutting of such a page into text
// lines and glyph cells that recognisers and redactors share.
//
// A Bitmap is packed like ESC/POS raster data: one bit per dot, the most
// significant bit leftmost, a fixed stride of MaxWidth/8 bytes per row.
// Rows are added as the paper advances, never allocated from what a
// command claims.
package raster

import (
	"image"
	"image/color"
	"math/bits"
)

// Bounds of one page image: 1024 dots is wider than any 80 mm head at
// 300 dpi (832 dots); 16384 rows is two metres of paper at 203 dpi. The
// largest page is 2 MiB.
const (
	MaxWidth  = 1024
	MaxHeight = 16384
	stride    = MaxWidth / 8
)

// Bitmap is a one-bit image: a set bit is a printed (black) dot.
type Bitmap struct {
	// W is one past the rightmost column ever written, H the number of rows.
	W, H int
	// Clipped counts dots written outside the bounds (dropped).
	Clipped  int
	pix      []byte
	sizeOnly bool // the dots are not kept (NewSizeOnly)
}

// New returns an empty bitmap (no rows yet).
func New() *Bitmap { return &Bitmap{} }

// NewSizeOnly returns an empty bitmap that keeps no dots: W, H and Clipped
// grow as drawing on it makes them grow, but nothing is allocated and it
// reads as blank. For a decoder that reads no images (no recogniser):
// drawing them cost it most of its time and memory.
func NewSizeOnly() *Bitmap { return &Bitmap{sizeOnly: true} }

// Reset empties the bitmap (no rows, nothing clipped) for reuse, keeping
// its memory when it holds at most keep bytes.
func (b *Bitmap) Reset(keep int) {
	b.W, b.H, b.Clipped = 0, 0, 0
	b.pix = b.pix[:0]
	if cap(b.pix) > keep {
		b.pix = nil
	}
}

// Grow makes the bitmap at least h rows tall (at most MaxHeight).
func (b *Bitmap) Grow(h int) {
	h = min(h, MaxHeight)
	if h <= b.H {
		return
	}
	if b.sizeOnly {
		b.H = h
		return
	}
	need := h * stride
	if need > cap(b.pix) {
		n := make([]byte, need, max(need, 2*cap(b.pix)))
		copy(n, b.pix)
		b.pix = n
	} else {
		b.pix = b.pix[:need]
		clear(b.pix[b.H*stride:])
	}
	b.H = h
}

// Set prints the dot at x, y, growing the bitmap downwards as needed; dots
// outside the bounds are counted in Clipped.
func (b *Bitmap) Set(x, y int) {
	if x < 0 || y < 0 || x >= MaxWidth || y >= MaxHeight {
		b.Clipped++
		return
	}
	if y >= b.H {
		b.Grow(y + 1)
	}
	if !b.sizeOnly {
		b.pix[y*stride+x>>3] |= 0x80 >> (x & 7)
	}
	if x >= b.W {
		b.W = x + 1
	}
}

// Clear removes the dot at x, y (no-op outside the image).
func (b *Bitmap) Clear(x, y int) {
	if x < 0 || y < 0 || x >= MaxWidth || y >= b.H || b.sizeOnly {
		return
	}
	b.pix[y*stride+x>>3] &^= 0x80 >> (x & 7)
}

// At reports whether the dot at x, y is printed.
func (b *Bitmap) At(x, y int) bool {
	if x < 0 || y < 0 || x >= b.W || y >= b.H || b.sizeOnly {
		return false
	}
	return b.pix[y*stride+x>>3]&(0x80>>(x&7)) != 0
}

// OrRow prints the packed bits of src (MSB leftmost) at row y from column
// x, each source dot sx dots wide (1 or 2). It is the fast path for
// raster rows.
func (b *Bitmap) OrRow(x, y int, src []byte, sx int) {
	if y < 0 || y >= MaxHeight {
		b.Clipped++
		return
	}
	if sx == 1 && x&7 == 0 {
		off := x >> 3
		if off >= stride {
			b.Clipped++
			return
		}
		n := min(len(src), stride-off)
		if n < len(src) {
			b.Clipped++
		}
		last := -1
		for i, c := range src[:n] {
			if c != 0 {
				last = i
			}
		}
		if last < 0 {
			if y >= b.H {
				b.Grow(y + 1)
			}
			return
		}
		if y >= b.H {
			b.Grow(y + 1)
		}
		if !b.sizeOnly {
			row := b.pix[y*stride+off : y*stride+off+n]
			for i, c := range src[:n] {
				row[i] |= c
			}
		}
		w := (off+last)*8 + 8 - bits.TrailingZeros8(src[last])
		b.W = max(b.W, w)
		return
	}
	if y >= b.H {
		b.Grow(y + 1)
	}
	if x < 0 || sx < 1 || sx > 2 {
		b.orRowDots(x, y, src, sx)
		return
	}
	// Each source byte becomes 8 or 16 dots (double[c]), shifted into
	// place a byte at a time; dots right of MaxWidth are counted, one by
	// one, as Set counts them.
	row := b.pix // none when size only
	if !b.sizeOnly {
		row = b.pix[y*stride : (y+1)*stride]
	}
	n := 8 * sx
	for i, c := range src {
		if c == 0 {
			continue
		}
		dx := x + i*n // the dot of the byte's leftmost bit
		if dx >= MaxWidth {
			for _, c := range src[i:] {
				b.Clipped += bits.OnesCount8(c) * sx
			}
			return
		}
		v := uint32(c) << 24 // the byte's dots from bit 31 down
		if sx == 2 {
			v = uint32(double[c]) << 16
		}
		if over := dx + n - MaxWidth; over > 0 { // the last over dots are off the page
			clip := uint32(1)<<(32-n+over) - 1
			b.Clipped += bits.OnesCount32(v & clip)
			if v &^= clip; v == 0 {
				continue
			}
		}
		off, sh := dx>>3, dx&7
		v >>= sh
		if row != nil {
			row[off] |= byte(v >> 24)
			if off+1 < stride {
				row[off+1] |= byte(v >> 16)
			}
			if off+2 < stride {
				row[off+2] |= byte(v >> 8)
			}
		}
		b.W = max(b.W, off*8+32-bits.TrailingZeros32(v))
	}
}

// orRowDots is OrRow one dot at a time (negative x, other widths).
func (b *Bitmap) orRowDots(x, y int, src []byte, sx int) {
	for i, c := range src {
		for bit := 0; bit < 8 && c != 0; bit++ {
			if c&(0x80>>bit) != 0 {
				for k := 0; k < sx; k++ {
					b.Set(x+(i*8+bit)*sx+k, y)
				}
			}
		}
	}
}

// double spreads each bit of a byte over two (a dot printed twice as wide).
var double = func() (t [256]uint16) {
	for c := range 256 {
		for bit := range 8 {
			if c&(0x80>>bit) != 0 {
				t[c] |= 0xC000 >> (2 * bit)
			}
		}
	}
	return t
}()

// Empty reports whether no dot is printed.
func (b *Bitmap) Empty() bool { return b.W == 0 }

// Row returns the packed bits of row y (read only; valid until the next
// write).
func (b *Bitmap) Row(y int) []byte {
	if y < 0 || y >= b.H || b.sizeOnly {
		return nil
	}
	return b.pix[y*stride : y*stride+(b.W+7)/8]
}

// Clone returns a deep copy.
func (b *Bitmap) Clone() *Bitmap {
	c := *b
	c.pix = append([]byte(nil), b.pix...)
	return &c
}

// Image returns the bitmap as a grey image (black dots on white), scaled
// up by an integer factor (1 or more) and framed by a white margin of pad
// dots, the way OCR engines want it.
func (b *Bitmap) Image(scale, pad int) *image.Gray {
	scale = max(scale, 1)
	w, h := b.W*scale+2*pad, b.H*scale+2*pad
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	for y := 0; y < b.H; y++ {
		for x := 0; x < b.W; x++ {
			if !b.At(x, y) {
				continue
			}
			for dy := 0; dy < scale; dy++ {
				for dx := 0; dx < scale; dx++ {
					img.SetGray(pad+x*scale+dx, pad+y*scale+dy, color.Gray{})
				}
			}
		}
	}
	return img
}

// Sub returns a copy of the rectangle r (clipped to the bitmap), moved to
// the origin.
func (b *Bitmap) Sub(r image.Rectangle) *Bitmap {
	r = r.Intersect(image.Rect(0, 0, b.W, b.H))
	out := New()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if b.At(x, y) {
				out.Set(x-r.Min.X, y-r.Min.Y)
			}
		}
	}
	out.Grow(r.Dy())
	return out
}
