package escpos_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/internal/rastertest"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

const pan = "4111111111111111" // Luhn-valid test number

// panReceipt prints a receipt whose card line holds a full card number,
// as a driver prints it: an image.
func panReceipt(t *testing.T, f *rasterprint.Font, mode rasterprint.Mode) ([]byte, []string) {
	t.Helper()
	lines := []rasterprint.Line{{Center: "SUNRISE MARKET", Bold: true}, {Left: "Milk 1L x2", Right: "3.98"},
		{Left: "TOTAL", Right: "3.98", Bold: true}, {Left: "CARD " + pan, Right: "3.98"}}
	page, text := rasterprint.Render(f, lines, 576, 8)
	return rasterprint.Encode(page, 576, mode), text
}

// goDict learns the Go font from a calibration print and a few receipts.
func goDict(t *testing.T, f *rasterprint.Font) *glyphs.Dict {
	t.Helper()
	pages := [][]rasterprint.Line{rastertest.PANLines("4111111111111111")}
	for i := range 3 {
		pages = append(pages, rasterprint.SampleSale(uint64(i+1), false).Lines())
	}
	return rastertest.Learn(t, f, pages...)
}

func readLines(t *testing.T, d *glyphs.Dict, stream []byte) string {
	t.Helper()
	dec := escpos.New(escpos.Options{Recognizer: d})
	evs := dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: stream})
	var out []string
	for _, e := range append(evs, dec.FlushAll()...) {
		if r, ok := e.(*drivers.Receipt); ok {
			for _, l := range r.Lines {
				out = append(out, l.Text)
			}
		}
	}
	return strings.Join(out, "\n")
}

// TestRasterRedactorBlanksCardNumbers: a full card number printed as an
// image is read, and the dots of its middle digits are blanked in what the
// redactor lets through (a capture), in any chunking; the rest of the
// receipt is untouched.
func TestRasterRedactorBlanksCardNumbers(t *testing.T) {
	f := rastertest.GoFont(t)
	d := goDict(t, f)
	for _, mode := range []rasterprint.Mode{rasterprint.GSv0, rasterprint.ESCStar} {
		stream, text := panReceipt(t, f, mode)
		// The decoder masks what it reads: the card line reads masked.
		if got := readLines(t, d, stream); !strings.Contains(got, "CARD 411111***") {
			t.Fatalf("%s: the dictionary does not read the card line: %q (printed %q)", mode, got, text)
		}
		rnd := rand.New(rand.NewPCG(1, uint64(len(mode))))
		var out bytes.Buffer
		red := escpos.NewRasterRedactor(d, nil)
		for rest := stream; len(rest) > 0; {
			n := min(len(rest), 1+rnd.IntN(700))
			out.Write(red.Redact(drivers.FromHost, rest[:n]))
			rest = rest[n:]
		}
		if out.Len() != len(stream) {
			t.Fatalf("%s: %d bytes out of %d", mode, out.Len(), len(stream))
		}
		if bytes.Equal(out.Bytes(), stream) {
			t.Fatalf("%s: nothing blanked", mode)
		}
		got := readLines(t, d, out.Bytes())
		if strings.Contains(got, "1111111111") || !strings.Contains(got, "SUNRISE MARKET") || !strings.Contains(got, "TOTAL 3.98") {
			t.Fatalf("%s: after redaction the image reads\n%s", mode, got)
		}
		t.Logf("%s: card line now reads %q", mode, got[strings.LastIndex(got, "\n")+1:])
	}
}

// TestRedactImages: before its image is read a stream is written with the
// image's dots blanked whole (also an image cut off mid-data); once read,
// only the card number's dots are, as the RasterRedactor blanks them.
func TestRedactImages(t *testing.T) {
	f := rastertest.GoFont(t)
	d := goDict(t, f)
	stream, _ := panReceipt(t, f, rasterprint.GSv0)
	unread := func(*raster.Bitmap) (raster.Result, bool) { return raster.Result{}, false }
	read := func(img *raster.Bitmap) (raster.Result, bool) { return d.Recognize(img), true }

	blank := escpos.RedactImages(stream, nil, unread)
	if len(blank) != len(stream) {
		t.Fatalf("%d bytes out of %d", len(blank), len(stream))
	}
	if got := readLines(t, d, blank); strings.TrimSpace(got) != "" {
		t.Fatalf("an unread image still reads %q", got)
	}
	half := escpos.RedactImages(stream[:len(stream)/2], nil, read) // the image is still open
	if got := readLines(t, d, half); strings.TrimSpace(got) != "" {
		t.Fatalf("an open image still reads %q", got)
	}
	want := escpos.NewRasterRedactor(d, nil).Redact(drivers.FromHost, stream)
	if got := escpos.RedactImages(stream, nil, read); !bytes.Equal(got, want) {
		t.Fatal("a read image is not blanked as the RasterRedactor blanks it")
	}
}

// columnGraphics encodes a page as GS 8 L fn 113 (column data stored in
// the graphics buffer) bands of 120 dots, each printed with GS ( L fn 50:
// the column format some drivers use.
func columnGraphics(page *raster.Bitmap, width int) []byte {
	var out bytes.Buffer
	out.WriteString("\x1b@")
	for y0 := 0; y0 < page.H; y0 += 120 {
		h := min(120, page.H-y0)
		unit := (h + 7) / 8
		data := make([]byte, width*unit)
		for x := range width {
			for y := range h {
				if page.At(x, y0+y) {
					data[x*unit+y/8] |= 0x80 >> (y % 8)
				}
			}
		}
		n := 10 + len(data)
		out.Write([]byte{0x1d, '8', 'L', byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24),
			'0', 113, '0', 1, 1, '1', byte(width), byte(width >> 8), byte(h), byte(h >> 8)})
		out.Write(data)
		out.WriteString("\x1d(L\x02\x0002")
	}
	out.WriteString("\x1dV\x00")
	return out.Bytes()
}

// TestRasterRedactorColumnGraphics: a card number printed as GS 8 L fn 113
// column graphics is read and blanked like the other image commands.
func TestRasterRedactorColumnGraphics(t *testing.T) {
	f := rastertest.GoFont(t)
	d := goDict(t, f)
	lines := []rasterprint.Line{{Center: "SUNRISE MARKET", Bold: true}, {Left: "TOTAL", Right: "3.98", Bold: true}, {Left: "CARD " + pan, Right: "3.98"}}
	page, _ := rasterprint.Render(f, lines, 576, 8)
	stream := columnGraphics(page, 576)
	if got := readLines(t, d, stream); !strings.Contains(got, "CARD 411111***") || !strings.Contains(got, "TOTAL 3.98") {
		t.Fatalf("column graphics read as %q", got)
	}
	var out bytes.Buffer
	red := escpos.NewRasterRedactor(d, nil)
	for rest := stream; len(rest) > 0; {
		n := min(len(rest), 333)
		out.Write(red.Redact(drivers.FromHost, rest[:n]))
		rest = rest[n:]
	}
	if out.Len() != len(stream) || bytes.Equal(out.Bytes(), stream) {
		t.Fatalf("%d bytes out of %d, changed %v: want the same length, some dots blanked", out.Len(), len(stream), !bytes.Equal(out.Bytes(), stream))
	}
	got := readLines(t, d, out.Bytes())
	if strings.Contains(got, "1111111111") || strings.Contains(got, "CARD 411111***") || !strings.Contains(got, "SUNRISE MARKET") {
		t.Fatalf("after redaction the image reads\n%s", got)
	}
	t.Logf("card line now reads %q", got[strings.LastIndex(got, "\n")+1:])
}
