package escpos

import (
	"crypto/sha256"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// fakeRecognizer returns one line per image: its size and a hash of its
// dots, so a test sees exactly what was assembled.
type fakeRecognizer struct{ seen []*raster.Bitmap }

func (f *fakeRecognizer) Recognize(b *raster.Bitmap) raster.Result {
	f.seen = append(f.seen, b.Clone())
	h := sha256.New()
	for y := 0; y < b.H; y++ {
		h.Write(b.Row(y))
		h.Write([]byte{'\n'})
	}
	return raster.Result{Engine: "fake", Lines: []raster.Line{{Text: fmt.Sprintf("img %dx%d %x", b.W, b.H, h.Sum(nil)[:4]), Confidence: 1}}}
}

// dots renders a bitmap as rows of '#' and '.'.
func dots(b *raster.Bitmap) string {
	var s strings.Builder
	for y := 0; y < b.H; y++ {
		for x := 0; x < b.W; x++ {
			if b.At(x, y) {
				s.WriteByte('#')
			} else {
				s.WriteByte('.')
			}
		}
		s.WriteByte('\n')
	}
	return s.String()
}

func TestRasterAssembly(t *testing.T) {
	col24 := func(top, mid, bot byte) string { return string([]byte{top, mid, bot}) }
	tests := []struct {
		name string
		in   string
		want string // dots of the one image
	}{
		{"GS v 0 rows", "\x1dv0\x00\x01\x00\x02\x00\xa0\x50", "#.#.\n.#.#\n"},
		{"GS v 0 double width and height", "\x1dv0\x03\x01\x00\x01\x00\x80", "##\n##\n"},
		{"two GS v 0 stack", "\x1dv0\x00\x01\x00\x01\x00\x80\x1dv0\x00\x01\x00\x01\x00\x40", "#.\n.#\n"},
		{"ESC * 24-dot bands joined by LF at spacing 24", "\x1b3\x18\x1b*\x21\x01\x00" + col24(0x80, 0, 1) + "\n\x1b*\x21\x01\x00" + col24(0x80, 0, 0) + "\n",
			"#\n" + strings.Repeat(".\n", 22) + "#\n#\n" + strings.Repeat(".\n", 23)},
		{"ESC * bands side by side", "\x1b3\x18\x1b*\x21\x01\x00" + col24(0x80, 0, 0) + "\x1b*\x21\x01\x00" + col24(0x40, 0, 0) + "\n",
			"#.\n.#\n" + strings.Repeat("..\n", 22)},
		{"ESC * 8-dot single density is 2x3 dots", "\x1b3\x18\x1b*\x00\x01\x00\x80\n", "##\n##\n##\n" + strings.Repeat("..\n", 21)},
		{"default spacing leaves a gap", "\x1b*\x21\x01\x00" + col24(0, 0, 1) + "\n\x1b*\x21\x01\x00" + col24(0x80, 0, 0) + "\n",
			strings.Repeat(".\n", 23) + "#\n" + strings.Repeat(".\n", 6) + "#\n" + strings.Repeat(".\n", 29)},
		{"GS ( L store then print", "\x1d(L\x0b\x000p0\x01\x01\x31\x02\x00\x01\x00\xc0\x1d(L\x02\x0002", "##\n"},
		{"GS ( L fn 113 column data: int((y+7)/8) bytes a column, top dot high", "\x1d(L\x10\x000q0\x01\x01\x31\x03\x00\x0a\x00" +
			"\x80\x00" + "\x00\x40" + "\xc0\x00" + "\x1d(L\x02\x0002",
			"#.#\n..#\n" + strings.Repeat("...\n", 7) + ".#.\n"},
		{"GS 8 L fn 113 double size", "\x1d8L\x0b\x00\x00\x000q0\x02\x02\x31\x01\x00\x01\x00\x80\x1d(L\x02\x0002", "##\n##\n"},
		{"GS ( L fn 113 keeps its blank bottom rows: the next image goes below", "\x1d(L\x0c\x000q0\x01\x01\x31\x01\x00\x10\x00\x80\x00\x1d(L\x02\x0002" +
			"\x1dv0\x00\x01\x00\x01\x00\x80", "#\n" + strings.Repeat(".\n", 15) + "#\n"},
		{"GS 8 L store, double size", "\x1d8L\x0b\x00\x00\x000p0\x02\x02\x31\x01\x00\x01\x00\x80\x1d(L\x02\x0002", "##\n##\n"},
		{"ESC J feeds between images", "\x1dv0\x00\x01\x00\x01\x00\x80\x1bJ\x02\x1dv0\x00\x01\x00\x01\x00\x80", "#\n.\n.\n#\n"},
		{"GS L left margin", "\x1dL\x02\x00\x1dv0\x00\x01\x00\x01\x00\x80", "..#\n"},
		{"page mode area and position", "\x1bL\x1bW\x04\x00\x01\x00\x40\x00\x40\x00\x1b$\x02\x00\x1dv0\x00\x01\x00\x01\x00\x80\x0c", ".......\n......#\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunks := range [][][]byte{{[]byte(tc.in + cutFull)}, byteByByte([]byte(tc.in + cutFull))} {
				f := &fakeRecognizer{}
				evs, _ := decodeChunks(Options{Recognizer: f}, chunks)
				if len(f.seen) != 1 {
					t.Fatalf("%d images recognised, want 1 (events %d)", len(f.seen), len(evs))
				}
				if got := dots(f.seen[0]); got != tc.want {
					t.Fatalf("image\n%s\nwant\n%s", got, tc.want)
				}
			}
		})
	}
}

// TestRasterOrder: text and images keep their order on the page, recognised
// lines are marked, and a logo is not read.
func TestRasterOrder(t *testing.T) {
	img := "\x1dv0\x00\x01\x00\x01\x00\x80"
	in := cat(init_, "HEAD\n", img, img, "MID\n", "\x1cp\x01\x00", img, "\n\n", "TAIL\n", cutFull)
	f := &fakeRecognizer{}
	evs, _ := decodeBytes(Options{Recognizer: f, Detail: true}, in)
	r := evs[0].(*drivers.Receipt)
	var got []string
	for _, l := range r.Lines {
		s := l.Text
		if l.Source == "ocr" {
			s = "ocr:" + strings.Fields(s)[1]
		}
		got = append(got, s)
	}
	want := "HEAD|ocr:1x2|MID|ocr:1x61|TAIL"
	if strings.Join(got, "|") != want {
		t.Fatalf("lines %q, want %s", strings.Join(got, "|"), want)
	}
	if r.GraphicsOnly || r.Recognised == nil || r.Recognised.Lines != 2 || r.Recognised.Engine != "fake" {
		t.Fatalf("receipt %+v recognised %+v", r, r.Recognised)
	}
}

// TestRasterHostile: images that claim huge sizes stay bounded.
func TestRasterHostile(t *testing.T) {
	huge := "\x1dv0\x00\xff\xff\xff\xff" + strings.Repeat("\xff", 300000)
	band := "\x1b*\x21\xff\xff" + strings.Repeat("\xff", 200000)
	gfx := "\x1d8L\xff\xff\xff\x7f0p0\x02\x02\x31\xff\xff\xff\xff" + strings.Repeat("\xff", 200000)
	cols := "\x1d8L\xff\xff\xff\x7f0q0\x02\x02\x31\xff\xff\xff\xff" + strings.Repeat("\xff", 200000)
	for name, in := range map[string]string{"GS v 0 65535x65535": huge, "ESC * 65535 columns": band, "GS 8 L 2 GB": gfx + "\x1d(L\x02\x0002",
		"GS 8 L fn 113 65535x65535 columns": cols + "\x1d(L\x02\x0002"} {
		t.Run(name, func(t *testing.T) {
			f := &fakeRecognizer{}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, d := decodeBytes(Options{Recognizer: f}, []byte(in))
			runtime.ReadMemStats(&after)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("allocated %d MiB", grew>>20)
			}
			for _, b := range f.seen {
				if b.W > raster.MaxWidth || b.H > raster.MaxHeight {
					t.Errorf("image %dx%d over bounds", b.W, b.H)
				}
			}
			if d.Stats().Truncated == 0 {
				t.Error("a body running past the input is not counted as truncated")
			}
		})
	}
}
