// Package rasterprint prints receipts the way a Windows or Android printer
// driver does: it renders each text line with a TrueType/OpenType font
// into a one-bit page image (no anti-aliasing, like GDI on a thermal
// driver) and sends the page as ESC/POS GS v 0 raster commands or as
// 24-dot ESC * bands. The raster corpus generator, tests and the
// simulated lane use it; it is pure Go (golang.org/x/image/font/opentype).
package rasterprint

import (
	"fmt"
	"image"
	"os"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// Font is a typeface at one size, with its bold face (nil: bold is drawn
// by smearing the regular face one dot to the right, as GDI does for a
// font without a bold style).
type Font struct {
	Name string
	Size int // pixel size (em height in dots)
	face font.Face
	bold font.Face
	// Jitter, when set, moves each character of a line up or down by
	// the dots it returns (its index on the page), as a driver that
	// places glyphs on a rounded baseline does; characters are then
	// drawn one by one, without kerning.
	Jitter func(i int) int
	// Dither, when set, turns the anti-aliased edges into dots with a
	// 4x4 ordered dither tied to the page position, as a driver that
	// renders text in grey and halftones it does, instead of cutting
	// them at half.
	Dither bool
}

// bayer4 is the 4x4 ordered dither matrix.
var bayer4 = [4][4]uint8{{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}}

// inked reports whether a dot of coverage a at page position x, y prints.
func (f *Font) inked(x, y int, a uint8) bool {
	if !f.Dither {
		return a >= 0x80
	}
	return int(a) > int(bayer4[y%4][x%4])*16+8 // the threshold is 8 at least: no ink stays blank
}

// LoadFont opens a .ttf, .otf or .ttc file (the index-th face of a
// collection) at size dots per em. boldPath may be "".
func LoadFont(name, path string, index int, boldPath string, size int) (*Font, error) {
	face, err := openFace(path, index, size)
	if err != nil {
		return nil, err
	}
	f := &Font{Name: name, Size: size, face: face}
	if boldPath != "" {
		if f.bold, err = openFace(boldPath, index, size); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// ParseFont uses font bytes already in memory (e.g. golang.org/x/image's
// Go fonts) for tests that must not depend on system fonts.
func ParseFont(name string, data, bold []byte, size int) (*Font, error) {
	f := &Font{Name: name, Size: size}
	var err error
	if f.face, err = faceOf(data, 0, size); err != nil {
		return nil, err
	}
	if bold != nil {
		if f.bold, err = faceOf(bold, 0, size); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func openFace(path string, index, size int) (font.Face, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rasterprint: %w", err)
	}
	face, err := faceOf(data, index, size)
	if err != nil {
		return nil, fmt.Errorf("rasterprint: %s: %w", path, err)
	}
	return face, nil
}

func faceOf(data []byte, index, size int) (font.Face, error) {
	one, err := extractFace(data, index)
	if err != nil {
		return nil, err
	}
	f, err := opentype.Parse(one)
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingFull})
}

// Line is one printed line: Left at the left margin, Right flush right
// (amounts), or Center centred; Bold prints it in the bold face.
type Line struct {
	Left, Right, Center string
	Bold                bool
}

// Text is the line as a person reads it, parts joined by a space.
func (l Line) Text() string {
	s := l.Left
	if l.Center != "" {
		s = l.Center
	}
	if l.Right != "" {
		if s != "" {
			s += " "
		}
		s += l.Right
	}
	return s
}

// Render draws the lines on a page width dots wide, with margin dots
// left and right and a line pitch of 1.25 em. A line whose amount does
// not fit beside its text prints the amount on a line of its own, and a
// text wider than the paper is broken at its spaces, as registers do on
// narrow paper: nothing is drawn past the paper's edge, so the text
// returned is what the paper shows. It returns the page and its printed
// lines as text.
func Render(f *Font, lines []Line, width, margin int) (*raster.Bitmap, []string) {
	pitch := f.Size * 5 / 4
	out := raster.New()
	var wrapped []Line
	for _, l := range lines {
		face := f.face
		if l.Bold && f.bold != nil {
			face = f.bold
		}
		if l.Left != "" && l.Right != "" && font.MeasureString(face, l.Left+l.Right)+fixed.I(f.Size/2+2*margin) > fixed.I(width) {
			wrapped = append(wrapped, fold(face, Line{Left: l.Left, Bold: l.Bold}, width-2*margin)...)
			wrapped = append(wrapped, Line{Right: l.Right, Bold: l.Bold})
			continue
		}
		wrapped = append(wrapped, fold(face, l, width-2*margin)...)
	}
	texts := make([]string, len(wrapped))
	glyphIndex := 0
	for i, l := range wrapped {
		texts[i] = l.Text()
		img := image.NewAlpha(image.Rect(0, 0, width, pitch))
		face := f.face
		if l.Bold && f.bold != nil {
			face = f.bold
		}
		base := fixed.I(f.Size)
		draw1 := func(s string, x fixed.Int26_6) {
			d := font.Drawer{Dst: img, Src: image.Opaque, Face: face, Dot: fixed.Point26_6{X: x, Y: base}}
			if f.Jitter == nil {
				d.DrawString(s)
				return
			}
			for _, r := range s {
				d.Dot.Y = base + fixed.I(f.Jitter(glyphIndex))
				glyphIndex++
				d.DrawString(string(r))
			}
		}
		adv := func(s string) fixed.Int26_6 {
			if f.Jitter == nil {
				return font.MeasureString(face, s)
			}
			var w fixed.Int26_6 // drawn one by one: no kerning
			for _, r := range s {
				w += font.MeasureString(face, string(r))
			}
			return w
		}
		switch {
		case l.Center != "":
			draw1(l.Center, (fixed.I(width)-adv(l.Center))/2)
		case l.Left != "":
			draw1(l.Left, fixed.I(margin))
		}
		if l.Right != "" {
			draw1(l.Right, fixed.I(width-margin)-adv(l.Right))
		}
		y0 := i * pitch
		for y := 0; y < pitch; y++ {
			for x := 0; x < width; x++ {
				if f.inked(x, y0+y, img.AlphaAt(x, y).A) {
					out.Set(x, y0+y)
					if l.Bold && f.bold == nil {
						out.Set(x+1, y0+y)
					}
				}
			}
		}
		out.Grow(y0 + pitch)
	}
	return out, texts
}

// fold breaks a text-only line (Left or Center, no Right) wider than
// room dots at its spaces into lines that fit; a word wider than room
// alone stays whole on its line (clipped, as a driver clips it).
func fold(face font.Face, l Line, room int) []Line {
	text := l.Left
	if l.Center != "" {
		text = l.Center
	}
	if l.Right != "" || font.MeasureString(face, text) <= fixed.I(room) {
		return []Line{l}
	}
	var out []Line
	cur := ""
	for _, w := range strings.Fields(text) {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur != "" && font.MeasureString(face, next) > fixed.I(room) {
			out = append(out, l.with(cur))
			cur = w
			continue
		}
		cur = next
	}
	return append(out, l.with(cur))
}

// with is l printing s in its place (left or centred).
func (l Line) with(s string) Line {
	if l.Center != "" {
		l.Center = s
	} else {
		l.Left = s
	}
	return l
}
