package agent

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/rawlog"
	"github.com/tillwatch/tillwatch/agent/recog"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// reviewPAN is a Luhn-valid test card number whose hidden digits (the
// middle six) appear nowhere else in the receipt.
const reviewPAN = "4539148803436467"

// grabImages is a recogniser that keeps the images it is given and reads
// nothing: the images of a stream as drawn, to read without masking.
type grabImages struct{ imgs []*raster.Bitmap }

func (g *grabImages) Recognize(img *raster.Bitmap) raster.Result {
	g.imgs = append(g.imgs, img.Clone()) // a copy sharing the dots could be blanked or reused later
	return raster.Result{}
}

// rawRead returns the text rec reads in the images of a print stream, not
// masked (the decoder would mask it).
func rawRead(rec escpos.Recognizer, stream []byte) string {
	g := &grabImages{}
	dec := escpos.New(escpos.Options{Recognizer: g})
	dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: stream})
	dec.FlushAll()
	var out []string
	for _, img := range g.imgs {
		for _, l := range rec.Recognize(img).Lines {
			out = append(out, strings.ReplaceAll(l.Text, " ", ""))
		}
	}
	return strings.Join(out, "\n")
}

// TestRawInputRasterCardNumber: a raster printer's raw input, as the
// agent writes it to the raw input log (rawDevices: escpos.RedactImages
// reading the lane's recognition cache), never holds a card number
// printed as an image: before the worker's result is handed over the
// image is written blanked, after it only the number's dots are; a
// Luhn-valid number injected at the wire (found in review: the glue
// between the lane's cache and the raw input log had no such test).
func TestRawInputRasterCardNumber(t *testing.T) {
	dir := t.TempDir()
	cfg, d, f := glyphLane(t, dir)
	ln, err := lane.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db, err := buffer.Open(filepath.Join(dir, "db"), buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := rawlog.New(db, rawDevices(ln, cfg.Devices))
	commit := func() {
		b := db.NewBatch()
		raw.Stage(b)
		err := b.Commit()
		raw.Done(err)
		if err != nil {
			t.Fatal(err)
		}
	}
	stored := func() []byte {
		recs, err := rawlog.New(db, rawDevices(ln, cfg.Devices)).Load()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		for _, c := range recs["printer"] {
			b.Write(c.Data)
		}
		return b.Bytes()
	}

	page, _ := rasterprint.Render(f, []rasterprint.Line{{Left: "TOTAL", Right: "3.98", Bold: true}, {Left: "CARD " + reviewPAN, Right: "3.98"}}, 576, 8)
	stream := rasterprint.Encode(page, 576, rasterprint.GSv0)
	if got := rawRead(d, stream); !strings.Contains(got, reviewPAN) || !strings.Contains(got, "TOTAL3.98") {
		t.Fatalf("the dictionary does not read the printed card number: %q (the test proves nothing)", got)
	}
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	raw.Opened("printer", at.Add(-lane.IdleGap)) // the port opened on a quiet line
	raw.Add("printer", drivers.Chunk{Time: at, Dir: drivers.FromHost, Data: stream})
	commit()
	if got := rawRead(d, stored()); strings.TrimSpace(got) != "" {
		t.Fatalf("before recognition the raw input log's image reads %q, want its dots blanked", got)
	}

	// The worker's result comes back (as recog.Worker reads it: the
	// printer's own decoder, the real recogniser), and the log is
	// rewritten with only the card number's dots blanked.
	var rs []recog.Result
	w := recorder{rec: d, out: &rs}
	dec := escpos.New(escpos.Options{Recognizer: w})
	dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: stream})
	dec.FlushAll()
	if len(rs) == 0 {
		t.Fatal("no image read")
	}
	ln.Recognised("printer", rs)
	raw.Add("printer", drivers.Chunk{Time: at.Add(time.Second), Dir: drivers.FromHost, Data: []byte("\n")})
	commit()
	got := rawRead(d, stored())
	if strings.Contains(got, reviewPAN) || strings.Contains(got, reviewPAN[6:12]) {
		t.Fatalf("the raw input log's image reads %q: the card number is there", got)
	}
	if !strings.Contains(got, "TOTAL3.98") {
		t.Fatalf("the raw input log's image reads %q: want the read image kept apart from the card number", got)
	}
}

// recorder reads with rec and keeps the results by image key.
type recorder struct {
	rec escpos.Recognizer
	out *[]recog.Result
}

func (r recorder) Recognize(img *raster.Bitmap) raster.Result {
	res := r.rec.Recognize(img)
	*r.out = append(*r.out, recog.Result{Key: recog.KeyOf(img), Res: res})
	return res
}
