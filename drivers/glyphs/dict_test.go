package glyphs

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// TestDictRoundTrip: a learned dictionary written to its text form and
// read back reads the same, and writes the same bytes (diffable).
func TestDictRoundTrip(t *testing.T) {
	dicts, rs := learned(t)
	d := dicts["noto"]
	var a bytes.Buffer
	if err := d.Write(&a); err != nil {
		t.Fatal(err)
	}
	back, err := Read(bytes.NewReader(a.Bytes()), "noto.glyphs")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := back.Write(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("written, read and written again differs")
	}
	for _, r := range rs {
		if r.Font != "noto" || r.Role != "test" {
			continue
		}
		x, y := d.Recognize(r.Image), back.Recognize(r.Image)
		for i := range x.Lines {
			if x.Lines[i].Text != y.Lines[i].Text {
				t.Fatalf("%s line %d: %q after reading back, %q before", r.File, i+1, y.Lines[i].Text, x.Lines[i].Text)
			}
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hello\n", "x.glyphs:1: not a glyph dictionary"},
		{header + "\nspace abc\n", "x.glyphs:2: space: want a fraction"},
		{header + "\nglyph \"a\" 2x2 pos - bearings 0 0 seen 1\n##\n#\n", "x.glyphs:4: glyph \"a\": want a row of 2"},
		{header + "\nglyph a 2x2\n", "x.glyphs:2: glyph: want a quoted text"},
		{header + "\nglyph \"a\" 2x2 pos 7 bearings 0 0 seen 1\n", "pos wants 0, 1, 2 or -"},
		{header + "\nglyph \"a\" 1x2 pos - bearings 0 0 seen 1\n#\n", "file ends inside its dots"},
	}
	for _, tc := range tests {
		_, err := Read(strings.NewReader(tc.in), "x.glyphs")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Read(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

// FuzzRead: a dictionary file never panics the reader, and what it reads
// writes and reads back the same.
func FuzzRead(f *testing.F) {
	f.Add(header + "\nspace 0.3\nbearing 1\n\nglyph \"1\" 2x3 pos - bearings 0 1 seen 4\n.#\n##\n.#\n")
	f.Add(header + "\nglyph \".\" 1x1 pos 0 bearings 1 1 seen 2 unsure \"seen as \\\".\\\" 1 times\"\n#\n")
	f.Fuzz(func(t *testing.T, in string) {
		d, err := Read(strings.NewReader(in), "f")
		if err != nil {
			return
		}
		var a bytes.Buffer
		if err := d.Write(&a); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(bytes.NewReader(a.Bytes()), "f"); err != nil {
			t.Fatalf("written dictionary does not read back: %v\n%s", err, a.String())
		}
	})
}

// FuzzRecognize: any page image reads without a panic, one result line
// per line of ink, each with as many cells as runes.
func FuzzRecognize(f *testing.F) {
	f.Add([]byte{0xff, 0x00, 0x81, 0x7e, 0x00, 0x00, 0x18, 0x3c}, uint8(2))
	d := New("fuzz")
	d.add(&Glyph{Text: "1", W: 1, H: 2, Pos: noPos, Bits: "##", L: -1, R: -1})
	f.Fuzz(func(t *testing.T, rows []byte, w uint8) {
		b := raster.New()
		xb := int(w%8) + 1
		for y := 0; y*xb < len(rows) && y < 256; y++ {
			b.OrRow(0, y, rows[y*xb:min(len(rows), (y+1)*xb)], 1)
		}
		for _, l := range d.Recognize(b).Lines {
			if len(l.Cells) != len([]rune(l.Text)) {
				t.Fatalf("%d cells for %q", len(l.Cells), l.Text)
			}
		}
	})
}
