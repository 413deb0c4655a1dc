package raster

import (
	"image"
	"testing"
)

func TestBitmapBounds(t *testing.T) {
	b := New()
	b.Set(3, 2)
	b.Set(MaxWidth, 0)
	b.Set(0, MaxHeight)
	b.Set(-1, 0)
	if b.W != 4 || b.H != 3 || b.Clipped != 3 || !b.At(3, 2) || b.At(2, 2) {
		t.Fatalf("W %d H %d clipped %d", b.W, b.H, b.Clipped)
	}
	b.OrRow(8, 5, []byte{0x81}, 1)
	b.OrRow(1, 6, []byte{0x80}, 2)
	if !b.At(8, 5) || !b.At(15, 5) || b.At(9, 5) || !b.At(1, 6) || !b.At(2, 6) || b.W != 16 {
		t.Fatalf("OrRow: W %d", b.W)
	}
	b.Clear(8, 5)
	if b.At(8, 5) {
		t.Fatal("Clear")
	}
	big := New()
	big.OrRow(0, 0, make([]byte, 4*stride), 1)
	if big.Clipped != 1 {
		t.Fatalf("a row wider than the page is clipped once, got %d", big.Clipped)
	}
}

// draw puts rows of '#' and '.' on a bitmap.
func draw(rows ...string) *Bitmap {
	b := New()
	for y, r := range rows {
		for x, c := range r {
			if c == '#' {
				b.Set(x, y)
			}
		}
		b.Grow(y + 1)
	}
	return b
}

func TestLines(t *testing.T) {
	b := draw(
		"#.###.#",
		"#.....#",
		"#.###.#", // a glyph with inner white rows (三) stays one line
		".......",
		"#.###.#",
		"#.###.#",
		"#.....#",
		".......",
		".......",
		"###.#.#",
		"#.#.#..",
		"###.#.#",
		"#...#.#",
		"#...#.#",
		"#...#.#",
		"#...#.#",
	)
	ls := Lines(b)
	if len(ls) != 2 {
		t.Fatalf("%d lines, want 2: %+v", len(ls), ls)
	}
	if ls[0].Box != image.Rect(0, 0, 7, 7) || len(ls[0].Pieces) != 3 {
		t.Fatalf("line 1 %v with %d pieces", ls[0].Box, len(ls[0].Pieces))
	}
	if p := ls[1].Pieces; len(p) != 3 || p[1] != image.Rect(4, 9, 5, 16) || p[0] != image.Rect(0, 9, 3, 16) {
		t.Fatalf("line 2 pieces %v", p)
	}
	if got := b.Bits(image.Rect(0, 9, 3, 12)); got != "####.####" {
		t.Fatalf("bits %q", got)
	}
}
