package rawlog

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/internal/rastertest"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// TestMidStreamImages: a raster printer's raw input log that starts
// reading the line inside an image (the agent restarted while a receipt
// printed) keeps every host byte as zeros until the line was quiet for
// SyncGap, wherever the cut, so the card number drawn in the rest of the
// image cannot be read back from the records (even with every image read:
// the worst case). The receipt after the quiet line is written as
// RedactImages writes it from a stream's start; a log opened on a quiet
// line writes its first receipt so. Found in review: the rest of the image
// was parsed as text and written with its dots.
func TestMidStreamImages(t *testing.T) {
	const pan = rastertest.PAN
	f := rastertest.GoFont(t)
	d := rastertest.Learn(t, f, rastertest.PANLines(pan), rasterprint.SampleSale(1, false).Lines())
	page, _ := rasterprint.Render(f, []rasterprint.Line{{Center: "SUNRISE MARKET", Bold: true},
		{Left: "TOTAL", Right: "3.98", Bold: true}, {Left: "CARD " + pan, Right: "3.98"}}, 576, 8)
	stream := rasterprint.Encode(page, 576, rasterprint.GSv0)
	read := func(img *raster.Bitmap) (raster.Result, bool) { return d.Recognize(img), true }
	images := func(s []byte) []byte { return escpos.RedactImages(s, nil, read) }
	readBack := func(s []byte) string {
		dec := escpos.New(escpos.Options{Recognizer: d})
		evs := append(dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: s}), dec.FlushAll()...)
		var out []string
		for _, e := range evs {
			if r, ok := e.(*drivers.Receipt); ok {
				for _, l := range r.Lines {
					out = append(out, l.Text)
				}
			}
		}
		return strings.Join(out, "\n")
	}
	if got := readBack(stream); !strings.Contains(got, "CARD 411111*") {
		t.Fatalf("the dictionary does not read the card line: %q", got)
	}
	want := images(stream)
	add := func(l *Log, at time.Time, data []byte) {
		for len(data) > 0 {
			n := min(len(data), 512)
			l.Add("printer", drivers.Chunk{Time: at, Dir: drivers.FromHost, Data: data[:n]})
			data, at = data[n:], at.Add(50*time.Millisecond)
		}
	}
	dev := Device{Name: "printer", Text: true, Images: images, SyncGap: time.Second, Polls: escpos.StatusPolls}
	for _, frac := range []int{10, 30, 50, 70} {
		cut := len(stream) * frac / 100
		db := openDB(t, t.TempDir())
		l := New(db, []Device{dev})
		l.Opened("printer", t0) // the agent restarted as the receipt printed
		add(l, t0.Add(10*time.Millisecond), stream[cut:])
		commit(t, db, l)
		got := []byte(stored(t, db)["printer"])
		if len(got) != len(stream)-cut || bytes.ContainsFunc(got, func(r rune) bool { return r != 0 }) {
			t.Errorf("cut at %d%%: unsynchronised, bytes were written", frac)
		}
		if back := readBack(append(bytes.Clone(stream[:cut]), got...)); strings.Contains(back, "411111") {
			t.Errorf("cut at %d%%: the card number reads back: %q", frac, back)
		}
		add(l, t0.Add(time.Minute), stream) // after a quiet line
		commit(t, db, l)
		if got := []byte(stored(t, db)["printer"]); !bytes.Equal(got[len(stream)-cut:], want) {
			t.Errorf("cut at %d%%: the receipt after the quiet line is not written as from a stream's start", frac)
		}
		db.Close()
	}
	db := openDB(t, t.TempDir())
	defer db.Close()
	// Status polls every 500 ms do not keep the line from being quiet (the
	// third comes 1 s after the image's rest and is read as in sync).
	l := New(db, []Device{{Name: "poller", Text: true, Images: images, SyncGap: time.Second, Polls: escpos.StatusPolls}})
	l.Opened("poller", t0)
	l.Add("poller", drivers.Chunk{Time: t0.Add(10 * time.Millisecond), Dir: drivers.FromHost, Data: stream[len(stream)/2:]})
	poll := []byte("\x10\x04\x01")
	for i := range 4 {
		l.Add("poller", drivers.Chunk{Time: t0.Add(time.Duration(i+1) * 500 * time.Millisecond), Dir: drivers.FromHost, Data: poll})
	}
	l.Add("poller", drivers.Chunk{Time: t0.Add(2300 * time.Millisecond), Dir: drivers.FromHost, Data: stream})
	commit(t, db, l)
	if got := []byte(stored(t, db)["poller"]); !bytes.HasSuffix(got, want) || bytes.ContainsFunc(got[:len(stream)-len(stream)/2], func(r rune) bool { return r != 0 }) {
		t.Error("polls between receipts: the receipt after 1 s of polls only is not written as before")
	}
	l = New(db, []Device{dev})
	l.Opened("printer", t0)
	add(l, t0.Add(time.Second), stream) // opened on a quiet line
	commit(t, db, l)
	if got := []byte(stored(t, db)["printer"]); !bytes.Equal(got, want) {
		t.Error("the first receipt on a quiet line is not written as before")
	}
}
