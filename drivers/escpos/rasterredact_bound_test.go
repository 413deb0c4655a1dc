package escpos_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/internal/rastertest"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// TestRedactImagesManyCommands: a driver that sends its page one dot row
// per GS v 0 command (a long receipt: thousands of commands on one
// canvas) gets every row blanked while unread, not only the first
// commands the decoder keeps placements for.
func TestRedactImagesManyCommands(t *testing.T) {
	const rows, xb = 5000, 72
	var s bytes.Buffer
	s.WriteString("\x1b@")
	var offs []int
	for range rows {
		s.Write([]byte{0x1d, 'v', '0', 0, xb, 0, 1, 0})
		offs = append(offs, s.Len())
		s.Write(bytes.Repeat([]byte{0xff}, xb))
	}
	s.WriteString("\x1dV\x00")
	unread := func(*raster.Bitmap) (raster.Result, bool) { return raster.Result{}, false }
	out := escpos.RedactImages(s.Bytes(), nil, unread)
	left := 0
	for i, off := range offs {
		if bytes.IndexByte(out[off:off+xb], 0xff) >= 0 {
			if left == 0 {
				t.Errorf("row %d of %d (offset %d) written with its dots", i, rows, off)
			}
			left++
		}
	}
	if left > 0 {
		t.Errorf("%d of %d unread rows written with their dots", left, rows)
	}
}

// TestRasterRedactorManyCommands: a card number drawn by GS v 0 commands
// past the 4096th of a canvas (a driver sending one dot row per command,
// the number below a long blank run) is blanked, by the capture's
// redactor and by RedactImages once read.
func TestRasterRedactorManyCommands(t *testing.T) {
	f := rastertest.GoFont(t)
	d := goDict(t, f)
	page, _ := rasterprint.Render(f, []rasterprint.Line{{Left: "TOTAL", Right: "3.98", Bold: true}, {Left: "CARD " + pan, Right: "3.98"}}, 576, 8)
	var s bytes.Buffer
	s.WriteString("\x1b@")
	row := func(r []byte) {
		s.Write([]byte{0x1d, 'v', '0', 0, 72, 0, 1, 0})
		s.Write(r[:72])
	}
	for range 4200 {
		row(make([]byte, 72))
	}
	for y := range page.H {
		row(page.Row(y))
	}
	s.WriteString("\x1dV\x00")
	stream := s.Bytes()
	if got := readLines(t, d, stream); !strings.Contains(got, "CARD 411111***") {
		t.Fatalf("the dictionary does not read the card line: %q", got)
	}
	read := func(img *raster.Bitmap) (raster.Result, bool) { return d.Recognize(img), true }
	for name, out := range map[string][]byte{
		"RasterRedactor": escpos.NewRasterRedactor(d, nil).Redact(drivers.FromHost, stream),
		"RedactImages":   escpos.RedactImages(stream, nil, read),
	} {
		if len(out) != len(stream) {
			t.Fatalf("%s: %d bytes out of %d", name, len(out), len(stream))
		}
		if got := readLines(t, d, out); strings.Contains(got, "1111111111") || strings.Contains(got, "411111***") {
			t.Errorf("%s: after redaction the image reads %q", name, got)
		}
	}
}

// FuzzRedactImages: whatever the stream, RedactImages keeps its length,
// and with no image read, what it returns draws no dot in any image (the
// raw input log of a raster lane before recognition).
func FuzzRedactImages(f *testing.F) {
	f.Add([]byte("\x1b3\x18\x1b*\x21\x02\x00\x80\x00\x01\xff\xff\xff\n\x1b*\x00\x01\x00\x80\n\x1dV\x00"))
	f.Add([]byte("\x1dv0\x03\x02\x00\x02\x00\xa0\x50\x0f\xf0A\n\x1dv0\x00\xff\xff\xff\xff\x01"))
	f.Add([]byte("\x1d(L\x0b\x000p0\x01\x02\x31\x02\x00\x01\x00\xc0\x1d(L\x02\x0002\x1bL\x1bW\x04\x00\x01\x00\x40\x00\x40\x00\x1b$\x02\x00\x1d$\x03\x00\x1dv0\x00\x01\x00\x01\x00\x80\x0c"))
	f.Add([]byte("\x1d8L\x0b\x00\x00\x000p0\x02\x02\x31\x01\x00\x01\x00\x80\x1d(L\x02\x0002\x1cp\x01\x00\x1bJ\x05\x1dL\x08\x00"))
	f.Add([]byte("\x1d(L\x10\x000q0\x01\x02\x31\x03\x00\x0a\x00\x80\x00\x00\x40\xc0\x00\x1d(L\x02\x0002\x1d8L\x0b\x00\x00\x000q0\x02\x02\x31\xff\xff\xff\xff\xff"))
	f.Add([]byte("\x1bL\x1bW\x00\x00\x00\x00\x40\x00\x20\x00\x1dv0\x00\x01\x00\x02\x00\xff\xff\x1b\x0c\x1dV\x00"))
	unread := func(*raster.Bitmap) (raster.Result, bool) { return raster.Result{}, false }
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		out := escpos.RedactImages(data, nil, unread)
		if len(out) != len(data) {
			t.Fatalf("%d bytes out of %d", len(out), len(data))
		}
		g := &dots{}
		dec := escpos.New(escpos.Options{Recognizer: g})
		dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: out})
		dec.FlushAll()
		if g.set > 0 {
			t.Fatalf("an unread image keeps %d dots", g.set)
		}
	})
}

// dots counts the dots drawn in the images it is given.
type dots struct{ set int }

func (d *dots) Recognize(img *raster.Bitmap) raster.Result {
	for y := range img.H {
		for x := range img.W {
			if img.At(x, y) {
				d.set++
			}
		}
	}
	return raster.Result{}
}

// TestRedactUndrawnGraphics: image data the decoder does not draw (GS *
// downloaded bit image, CSN-A2's DC2 * bitmap, GS ( L fn 67 and 83
// graphics defined for later) cannot be read for card
// numbers, so on a raster lane it is written blanked, by the capture's
// redactor in any chunking and by RedactImages; the text around it stays.
func TestRedactUndrawnGraphics(t *testing.T) {
	csn, err := escpos.PrinterByName("csn-a2")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		p      *escpos.Printer
		header []byte
		n      int
	}{
		{"GS *", nil, []byte{0x1d, '*', 2, 1}, 2 * 1 * 8},
		{"DC2 *", csn, []byte{0x12, '*', 2, 3}, 2 * 3},
		{"FS q", nil, []byte{0x1c, 'q', 1, 2, 0, 1, 0}, 2 * 1 * 8},
		// m fn, then a kc1 kc2 b xL xH yL yH and the data: blanked after fn.
		{"GS ( L fn 83", nil, []byte{0x1d, '(', 'L', 12, 0, '0', 83}, 10},
		{"GS 8 L fn 67", nil, []byte{0x1d, '8', 'L', 12, 0, 0, 0, '0', 67}, 10},
	} {
		body := bytes.Repeat([]byte{0xff}, c.n)
		stream := slices.Concat([]byte("\x1b@TOTAL 3.98\n"), c.header, body, []byte("THANK YOU\n\x1dV\x00"))
		at := len("\x1b@TOTAL 3.98\n") + len(c.header)
		check := func(how string, out []byte) {
			t.Helper()
			want := slices.Concat(stream[:at], make([]byte, c.n), stream[at+c.n:])
			if !bytes.Equal(out, want) {
				t.Errorf("%s, %s:\n got %q\nwant %q", c.name, how, out, want)
			}
		}
		check("RedactImages", escpos.RedactImages(stream, c.p, func(*raster.Bitmap) (raster.Result, bool) { return raster.Result{}, true }))
		for _, size := range []int{1, 3, 7, len(stream)} {
			red := escpos.NewRasterRedactor(&dots{}, c.p)
			var out []byte
			for rest := stream; len(rest) > 0; {
				n := min(size, len(rest))
				out = append(out, red.Redact(drivers.FromHost, rest[:n])...)
				rest = rest[n:]
			}
			check(fmt.Sprintf("RasterRedactor in chunks of %d", size), out)
		}
	}
}

// TestRasterRedactorOverflow: an image run longer than the redactor holds
// back (a Luhn-valid card number drawn at its top, then 9 MiB of dot rows
// before the cut, read in 4 KiB chunks) keeps at most 8 MiB and a read
// held at any time, counting the bytes taken in and not yet given back;
// what it could not hold is written with its dots blanked and counted in
// Overflows, so the card number's rows leave as zeros.
func TestRasterRedactorOverflow(t *testing.T) {
	const held, read = 8 << 20, 4 << 10 // escpos.maxHeld
	f := rastertest.GoFont(t)
	d := goDict(t, f)
	page, _ := rasterprint.Render(f, []rasterprint.Line{{Left: "CARD " + pan, Right: "3.98"}}, 576, 8)
	var s bytes.Buffer
	s.WriteString("\x1b@")
	var card []int // offsets of the card line's rows
	row := func(r []byte) int {
		s.Write([]byte{0x1d, 'v', '0', 0, 72, 0, 1, 0})
		s.Write(r[:72])
		return s.Len() - 72
	}
	for y := range page.H {
		card = append(card, row(page.Row(y)))
	}
	if got := readLines(t, d, append(bytes.Clone(s.Bytes()), "\x1dV\x00"...)); !strings.Contains(got, "CARD 411111***") {
		t.Fatalf("the dictionary does not read the card line: %q", got)
	}
	for range (held + held/8) / 80 {
		row(bytes.Repeat([]byte{0x81}, 72))
	}
	s.WriteString("\x1dV\x00")
	stream := s.Bytes()
	r := escpos.NewRasterRedactor(d, nil)
	var out bytes.Buffer
	most := 0
	for b := stream; len(b) > 0; {
		n := min(read, len(b))
		out.Write(r.Redact(drivers.FromHost, b[:n]))
		b = b[n:]
		most = max(most, len(stream)-len(b)-out.Len())
	}
	if most > held+read {
		t.Errorf("the redactor held %d bytes at once, want at most %d", most, held+read)
	}
	if r.Overflows() == 0 {
		t.Error("an image run past the bound was not counted in Overflows")
	}
	if out.Len() != len(stream) {
		t.Fatalf("%d bytes out of %d", out.Len(), len(stream))
	}
	for _, off := range card {
		if !bytes.Equal(out.Bytes()[off:off+72], make([]byte, 72)) {
			t.Fatalf("a row of the card line (offset %d) was written with its dots", off)
		}
	}
}
