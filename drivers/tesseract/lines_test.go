package tesseract

import (
	"bytes"
	"encoding/binary"
	"image"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/tiff"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

func TestParseWords(t *testing.T) {
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"4\t1\t1\t1\t1\t0\t10\t10\t100\t30\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t10\t10\t20\t30\t96.5\t合\n" +
		"5\t1\t1\t1\t1\t2\t32\t10\t20\t30\t91\t计\n" +
		"5\t3\t1\t1\t1\t1\t10\t12\t40\t30\t88\t15.00\n" +
		"5\t9\t1\t1\t1\t1\t10\t12\t40\t30\t88\tnot-a-page\n"
	pages, err := parseWords(strings.NewReader(tsv), 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 3 || len(pages[0]) != 2 || len(pages[1]) != 0 || len(pages[2]) != 1 {
		t.Fatalf("pages %+v", pages)
	}
	if w := pages[0][1]; w.Text != "计" || w.X0 != 32 || w.X1 != 52 || w.Conf != 0.91 {
		t.Errorf("word %+v", w)
	}
}

// TestWriteTIFF: the pages decode (the first with golang.org/x/image/tiff,
// which reads one page) with their size, dots and resolution.
func TestWriteTIFF(t *testing.T) {
	a := image.NewGray(image.Rect(0, 0, 5, 3))
	for i := range a.Pix {
		a.Pix[i] = 0xFF
	}
	a.Pix[a.PixOffset(2, 1)] = 0
	b := image.NewGray(image.Rect(0, 0, 7, 2))
	data := writeTIFF([]*image.Gray{a, b}, 203)
	img, err := tiff.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray)
	if !ok || g.Rect.Dx() != 5 || g.Rect.Dy() != 3 || g.GrayAt(2, 1).Y != 0 || g.GrayAt(1, 1).Y != 0xFF {
		t.Fatalf("decoded %T %v", img, img.Bounds())
	}
	if !bytes.Contains(data, []byte{203, 0, 0, 0, 1, 0, 0, 0}) {
		t.Error("no 203 dpi resolution")
	}
	// x/image/tiff reads the first page only: walk the IFD chain for the
	// second (Tesseract reads every page of it, one line each).
	le := binary.LittleEndian
	var sizes [][2]uint32
	for off := le.Uint32(data[4:]); off != 0 && len(sizes) < 3; {
		n := int(le.Uint16(data[off:]))
		var wh [2]uint32
		for e := range n {
			ent := data[int(off)+2+12*e:]
			switch le.Uint16(ent) {
			case 256:
				wh[0] = le.Uint32(ent[8:])
			case 257:
				wh[1] = le.Uint32(ent[8:])
			}
		}
		sizes = append(sizes, wh)
		off = le.Uint32(data[int(off)+2+12*n:])
	}
	if want := [][2]uint32{{5, 3}, {7, 2}}; !slices.Equal(sizes, want) {
		t.Errorf("pages %v, want %v", sizes, want)
	}
}

// page draws lines of blocks: each string is a line, a letter a block of
// ink w dots wide and h high (upper case h, lower case h/2, bottom
// aligned), a space a gap of w dots. Blocks are 2 dots apart.
func drawPage(w, h int, lines ...string) *raster.Bitmap {
	b := raster.New()
	y := 0
	for _, l := range lines {
		x := 0
		for _, c := range l {
			if c == ' ' {
				x += w
				continue
			}
			top := y
			if c >= 'a' && c <= 'z' {
				top = y + h/2
			}
			for yy := top; yy < y+h; yy++ {
				for xx := x; xx < x+w; xx++ {
					b.Set(xx, yy)
				}
			}
			x += w + 2
		}
		y += 2 * h
	}
	return b
}

// TestReadLinesPicksByScript: with Chinese and English, the words as tall
// as their line go to the Chinese model; a reading that is Chinese and
// fits the word's width keeps it, the rest of the line is read with the
// English model in one image per run of words, and a Latin line is read
// whole with the English model. Two runs of the program, whatever the
// number of lines.
func TestReadLinesPicksByScript(t *testing.T) {
	// Line 0: two square blocks (two "Chinese characters"), a gap, "x1"
	// as two short blocks, a gap, an amount as short blocks.
	// Line 1: tall blocks the Chinese model takes for one character.
	b := drawPage(20, 20, "AA xx xxxx", "AAA")
	runs := 0
	tt := &Tesseract{Langs: "chi_sim+eng", Scale: 1, version: "tesseract 5.3.0"}
	tt.program = func(imgs []*image.Gray, lang string, psm int) ([][]word, error) {
		runs++
		out := make([][]word, len(imgs))
		for i, img := range imgs {
			w := img.Rect.Dx() - 2*pad // the word's width and a margin
			switch {
			case lang == "chi_sim" && w < 50:
				out[i] = []word{{Text: "合", Conf: 0.9}, {Text: "计", Conf: 0.8}}
			case lang == "chi_sim":
				out[i] = []word{{Text: "吕", Conf: 0.5}} // one character for 64 dots: not Chinese
			case lang == "eng" && w > 100:
				out[i] = []word{{Text: "x1", X0: pad, X1: pad + 42, Conf: 0.95}, {Text: "15.00", X0: pad + 62, X1: pad + 150, Conf: 0.93}}
			default:
				out[i] = []word{{Text: "ABC", Conf: 0.7}}
			}
		}
		if psm != 7 {
			t.Errorf("psm %d", psm)
		}
		return out, nil
	}
	res := tt.Recognize(b)
	if runs != 2 {
		t.Errorf("%d runs of the program, want 2", runs)
	}
	if len(res.Lines) != 2 || res.Lines[0].Text != "合计 x1 15.00" || res.Lines[1].Text != "ABC" {
		t.Fatalf("lines %+v", res.Lines)
	}
	// A line's confidence is its digits' (the label 合计 read at 0.8 does
	// not make 15.00 unsure); a line without digits has its lowest word's.
	if c := res.Lines[0].Confidence; c != 0.93 {
		t.Errorf("confidence %v, want the lowest of the words with digits", c)
	}
	if c := res.Lines[1].Confidence; c != 0.7 {
		t.Errorf("confidence %v, want the lowest word's", c)
	}
}

// TestWordsKeepADotWithItsNumber: a wide gap is a space between words,
// except before a dot or colon closer than half a line (a monospaced
// font's "1234567.89", "收银员:"); a wide gap before a dash stays a space
// ("优惠 -0.95" keeps its minus with the amount).
func TestWordsKeepADotWithItsNumber(t *testing.T) {
	b := raster.New()
	block := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				b.Set(x, y)
			}
		}
	}
	block(0, 0, 10, 20)   // a digit
	block(18, 16, 20, 20) // a dot 8 dots on: a wide gap (>= 6), under half a line (10)
	block(28, 0, 38, 20)  // a digit
	block(46, 10, 52, 12) // a dash 8 dots on: wider than a dot
	block(60, 0, 70, 20)
	p := newPage(b)
	if len(p.lines) != 1 || p.em != 20 {
		t.Fatalf("lines %+v", p.lines)
	}
	ws := p.words(p.lines[0])
	want := []image.Rectangle{image.Rect(0, 0, 20, 20), image.Rect(28, 0, 38, 20), image.Rect(46, 0, 52, 20), image.Rect(60, 0, 70, 20)}
	if len(ws) != len(want) {
		t.Fatalf("words %v, want %v", ws, want)
	}
	for i := range ws {
		if ws[i] != want[i] {
			t.Errorf("word %d %v, want %v", i, ws[i], want[i])
		}
	}
}
