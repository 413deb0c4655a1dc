// Package ocrscore measures recognisers on the raster corpus
// (testdata/raster): character accuracy against the known text and field
// accuracy (total, amount due, tenders) of the receipts decoded through
// the same decoder and receipt profile as a lane, so tests and benchmarks
// of every recogniser score the same way.
package ocrscore

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/drivers/receipt"
)

// Receipt is one corpus receipt: how it was printed, its bytes, its
// known text and its page image.
type Receipt struct {
	File, Font, Mode, Lang, Role string
	Size, Width                  int
	Bin                          []byte
	Text                         []string
	Image                        *raster.Bitmap
}

// Load reads the corpus manifest and every receipt it lists.
func Load(dir string) ([]Receipt, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("ocrscore: %w", err)
	}
	var rs []Receipt
	if err := json.Unmarshal(b, &rs); err != nil {
		return nil, fmt.Errorf("ocrscore: %s: %w", dir, err)
	}
	for i := range rs {
		r := &rs[i]
		if r.Bin, err = os.ReadFile(filepath.Join(dir, r.File+".bin")); err != nil {
			return nil, fmt.Errorf("ocrscore: %w", err)
		}
		txt, err := os.ReadFile(filepath.Join(dir, r.File+".txt"))
		if err != nil {
			return nil, fmt.Errorf("ocrscore: %w", err)
		}
		r.Text = strings.Split(strings.TrimRight(string(txt), "\n"), "\n")
		imgs := Images(r.Bin)
		if len(imgs) != 1 {
			return nil, fmt.Errorf("ocrscore: %s: %d images, want 1", r.File, len(imgs))
		}
		r.Image = imgs[0]
	}
	return rs, nil
}

// grab is a recogniser that keeps the images it is shown.
type grab struct{ imgs []*raster.Bitmap }

func (g *grab) Recognize(b *raster.Bitmap) raster.Result {
	g.imgs = append(g.imgs, b.Clone())
	return raster.Result{}
}

// Images returns the page images a print stream prints.
func Images(bin []byte) []*raster.Bitmap {
	g := &grab{}
	d := escpos.New(escpos.Options{Recognizer: g})
	d.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: bin})
	d.FlushAll()
	return g.imgs
}

// Score adds up a recogniser's results.
type Score struct {
	Receipts int
	// Chars and CharErrs: characters of the known text (spaces collapsed)
	// and the edit distance of the recognised text to it.
	Chars, CharErrs int
	// Fields counts the total, amount due and each tender of the known
	// text; Right were read exactly, Wrong were read as another amount
	// (the one outcome that must not happen), the rest were missing (not
	// read with confidence, so the receipt says its amounts are unsure).
	Fields, Right, Wrong int
	Elapsed              time.Duration
	// Misses lists what went wrong, for logs.
	Misses []string
}

// Decode runs a receipt through the decoder with a recogniser and the
// generic profile, as a lane does, timing it.
func (s *Score) Decode(r Receipt, rec escpos.Recognizer) *drivers.Receipt {
	prof, _ := receipt.Builtin("generic")
	t0 := time.Now()
	d := escpos.New(escpos.Options{Recognizer: rec, Fields: prof})
	evs := d.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: r.Bin})
	evs = append(evs, d.FlushAll()...)
	s.Elapsed += time.Since(t0)
	for _, e := range evs {
		if rr, ok := e.(*drivers.Receipt); ok {
			return rr
		}
	}
	return &drivers.Receipt{}
}

// Add scores one decoded receipt against its known text.
func (s *Score) Add(r Receipt, got *drivers.Receipt) {
	s.Receipts++
	var lines []string
	for _, l := range got.Lines {
		lines = append(lines, l.Text)
	}
	want := collapse(strings.Join(r.Text, "\n"))
	have := collapse(strings.Join(lines, "\n"))
	s.Chars += len([]rune(want))
	if e := Distance(want, have); e > 0 {
		s.CharErrs += e
		s.Misses = append(s.Misses, fmt.Sprintf("%s: %d character errors", r.File, e))
	}
	prof, _ := receipt.Builtin("generic")
	known := &drivers.Receipt{}
	for _, t := range r.Text {
		known.Lines = append(known.Lines, drivers.Line{Text: t})
	}
	prof.Extract(known)
	field := func(name string, w, g *int64) {
		if w == nil {
			return
		}
		s.Fields++
		switch {
		case g != nil && *g == *w:
			s.Right++
		case g != nil:
			s.Wrong++
			s.Misses = append(s.Misses, fmt.Sprintf("%s: %s read as %d, printed %d", r.File, name, *g, *w))
		default:
			s.Misses = append(s.Misses, fmt.Sprintf("%s: %s not read (printed %d)", r.File, name, *w))
		}
	}
	field("total", known.Total, got.Total)
	field("due", known.Due, got.Due)
	for i, t := range known.Tenders {
		var g *int64
		if i < len(got.Tenders) && got.Tenders[i].Kind == t.Kind {
			g = &got.Tenders[i].Amount
		}
		a := t.Amount
		field("tender "+string(t.Kind), &a, g)
	}
}

// CharAccuracy is 1 - errors/characters, in percent.
func (s *Score) CharAccuracy() float64 {
	if s.Chars == 0 {
		return 0
	}
	return 100 * (1 - float64(s.CharErrs)/float64(s.Chars))
}

// FieldAccuracy is the share of fields read exactly, in percent.
func (s *Score) FieldAccuracy() float64 {
	if s.Fields == 0 {
		return 0
	}
	return 100 * float64(s.Right) / float64(s.Fields)
}

// MsPerReceipt is the mean decoding time.
func (s *Score) MsPerReceipt() float64 {
	if s.Receipts == 0 {
		return 0
	}
	return float64(s.Elapsed.Microseconds()) / 1000 / float64(s.Receipts)
}

// collapse joins runs of spaces: where a recogniser puts one space or
// three between a label and its amount does not matter to a reader.
func collapse(s string) string {
	return strings.Join(slices.DeleteFunc(strings.Split(s, " "), func(p string) bool { return p == "" }), " ")
}

// Distance is the edit distance between a and b, in runes.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
