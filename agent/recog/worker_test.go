package recog_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/recog"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// gate is a fake recogniser that blocks until the test lets it read: it
// says on entered that it holds an image, and reads "TOTAL 12.30" once a
// value arrives on release.
type gate struct {
	entered chan *raster.Bitmap
	release chan struct{}
}

func newGate() *gate {
	return &gate{entered: make(chan *raster.Bitmap, 16), release: make(chan struct{})}
}

func (g *gate) Recognize(img *raster.Bitmap) raster.Result {
	g.entered <- img.Clone()
	<-g.release
	return raster.Result{Engine: "gate", Lines: []raster.Line{{Text: "TOTAL 12.30", Confidence: 1}}}
}

// image returns a GS v 0 image of 8 x 2 dots then a cut.
func image() []byte {
	return []byte{0x1d, 'v', '0', 0, 1, 0, 2, 0, 0xf0, 0x0f, 0x1d, 'V', 1}
}

// TestWorkerReadsOffTheCaller: the worker reads an image while the caller
// goes on (Submit does not wait for the recogniser); its result, handed
// to a Cache, lets a decoder of the same bytes read the image without
// running the recogniser.
func TestWorkerReadsOffTheCaller(t *testing.T) {
	g := newGate()
	w := recog.NewWorker([]recog.Device{{Name: "printer", Recognizer: g}}, 4)
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- w.Run(ctx) }()

	stream := image()
	if !w.Submit(recog.Job{Dev: "printer", Seq: 1, Data: stream[:5]}) || !w.Submit(recog.Job{Dev: "printer", Seq: 2, Data: stream[5:]}) {
		t.Fatal("a job was refused with room in the queue")
	}
	if w.Submit(recog.Job{Dev: "scale", Seq: 3, Data: stream}) {
		t.Fatal("a job of an unknown device was taken")
	}
	img := <-g.entered // the recogniser holds the image; the caller is free
	if d := <-w.Done(); d.Seq != 1 || len(d.Results) != 0 {
		t.Fatalf("first done %+v, want seq 1 without results", d)
	}
	close(g.release)
	d := <-w.Done()
	if d.Seq != 2 || len(d.Results) != 1 || d.Results[0].Key != recog.KeyOf(img) {
		t.Fatalf("second done %+v, want seq 2 with the image's result", d)
	}

	c := recog.NewCache(nil) // no fallback: a miss reads nothing
	c.Add(d.Results)
	dec := escpos.New(escpos.Options{Recognizer: c})
	evs := append(dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: stream}), dec.FlushAll()...)
	var lines bytes.Buffer
	for _, ev := range evs {
		if r, ok := ev.(*drivers.Receipt); ok {
			for _, l := range r.Lines {
				lines.WriteString(l.Text)
			}
		}
	}
	if lines.String() != "TOTAL 12.30" || c.Misses() != 0 {
		t.Fatalf("decoder read %q with %d misses, want TOTAL 12.30 from the cache", lines.String(), c.Misses())
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v", err)
	}
}

// TestWorkerQueueBounded: past its depth the worker refuses jobs instead
// of making the caller wait, and stops with its context while the
// recogniser is still blocked in its call (the call is left to finish).
func TestWorkerQueueBounded(t *testing.T) {
	g := newGate()
	defer close(g.release) // the abandoned call ends with the test
	w := recog.NewWorker([]recog.Device{{Name: "printer", Recognizer: g}}, 2)
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- w.Run(ctx) }()
	if !w.Submit(recog.Job{Dev: "printer", Seq: 1, Data: image()}) {
		t.Fatal("refused the first job")
	}
	<-g.entered // the worker is busy with job 1: the queue holds 2 more
	for seq := uint64(2); seq <= 3; seq++ {
		if !w.Submit(recog.Job{Dev: "printer", Seq: seq, Data: image()}) {
			t.Fatalf("refused job %d with room in the queue", seq)
		}
	}
	if w.Submit(recog.Job{Dev: "printer", Seq: 4, Data: image()}) {
		t.Fatal("a full queue took a job")
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v", err)
	}
}

// TestWorkerFlush: an image of a job that ends without a cut is read
// when the worker's decoder is flushed past the job timeout, as the
// lane's decoder (same options, same times) closes it; a flush before
// the timeout reads nothing. After a Reset the decoder starts afresh: a
// stream's tail is not joined to what came before.
func TestWorkerFlush(t *testing.T) {
	g := newGate()
	close(g.release)
	opts := escpos.Options{JobTimeout: 4 * time.Second}
	w := recog.NewWorker([]recog.Device{{Name: "printer", Recognizer: g, Options: opts}}, 4)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { _ = w.Run(ctx) }()
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	noCut := image()[:10] // GS v 0 8 x 2 dots, no GS V
	jobs := []struct {
		job   recog.Job
		reads int
	}{
		{recog.Job{Dev: "printer", Seq: 1, Time: at, Data: noCut}, 0},
		{recog.Job{Dev: "printer", Seq: 2, Time: at.Add(2 * time.Second), Flush: true}, 0},
		{recog.Job{Dev: "printer", Seq: 3, Time: at.Add(5 * time.Second), Flush: true}, 1},
		{recog.Job{Dev: "printer", Seq: 4, Time: at.Add(6 * time.Second), Data: noCut}, 0},
		{recog.Job{Dev: "printer", Seq: 5, Reset: true}, 0},
		{recog.Job{Dev: "printer", Seq: 6, Time: at.Add(7 * time.Second), Data: image()[8:]}, 0}, // the rest of an image: dots, a cut
	}
	for _, j := range jobs {
		if !w.Submit(j.job) {
			t.Fatalf("job %d refused", j.job.Seq)
		}
		d := <-w.Done()
		if d.Seq != j.job.Seq || len(d.Results) != j.reads {
			t.Fatalf("done %+v, want job %d with %d results", d, j.job.Seq, j.reads)
		}
		if j.reads == 0 {
			continue
		}
		// The lane's decoder, given the same bytes and flushed alike,
		// closes the same image: the result is its.
		c := recog.NewCache(nil)
		c.Add(d.Results)
		lane := escpos.New(escpos.Options{JobTimeout: 4 * time.Second, Recognizer: c})
		lane.Feed(drivers.Chunk{Time: at, Dir: drivers.FromHost, Data: noCut})
		var text string
		for _, ev := range lane.Flush(at.Add(5 * time.Second)) {
			if r, ok := ev.(*drivers.Receipt); ok && len(r.Lines) > 0 {
				text = r.Lines[0].Text
			}
		}
		if text != "TOTAL 12.30" || c.Misses() != 0 {
			t.Fatalf("the lane's decoder read %q with %d misses, want the worker's result", text, c.Misses())
		}
	}
}

// TestCacheFallback: an image the cache has no result for is read by the
// fallback, counted and kept.
func TestCacheFallback(t *testing.T) {
	g := newGate()
	close(g.release)
	c := recog.NewCache(g)
	img := raster.New()
	img.Set(3, 1)
	if r := c.Recognize(img); r.Engine != "gate" || c.Misses() != 1 {
		t.Fatalf("got %+v, %d misses; want the fallback's result, 1 miss", r, c.Misses())
	}
	if r, ok := c.Lookup(img); !ok || r.Engine != "gate" {
		t.Fatalf("the fallback's result is not kept: %+v, %v", r, ok)
	}
	c.Add([]recog.Result{{Key: recog.KeyOf(img), Res: raster.Result{Engine: "worker"}}})
	if r := c.Recognize(img); r.Engine != "worker" || c.Misses() != 1 {
		t.Fatalf("got %+v, %d misses; want the handed result", r, c.Misses())
	}
}

// TestCacheUnread: once Unread is set, an image with no result handed
// over is not read: the result is marked Unread and says why, the miss
// is counted, nothing is kept, and the fallback never runs.
func TestCacheUnread(t *testing.T) {
	c := recog.NewCache(panicky{}) // would say "recogniser failed" if it ran
	c.Unread("none: not read (test)")
	img := raster.New()
	img.Set(3, 1)
	r := c.Recognize(img)
	if !r.Unread || r.Engine != "none: not read (test)" || len(r.Lines) != 0 || c.Misses() != 1 {
		t.Fatalf("got %+v, %d misses; want an unread result saying why, 1 miss", r, c.Misses())
	}
	if _, ok := c.Lookup(img); ok {
		t.Fatal("an unread result was kept")
	}
	c.Add([]recog.Result{{Key: recog.KeyOf(img), Res: raster.Result{Engine: "worker"}}})
	if r := c.Recognize(img); r.Engine != "worker" || r.Unread {
		t.Fatalf("got %+v; want the result handed over later", r)
	}
}

// panicky is a recogniser with a bug.
type panicky struct{}

func (panicky) Recognize(*raster.Bitmap) raster.Result { panic("index out of range") }

// TestCacheFallbackPanics: a fallback that panics on the core goroutine
// (an image the worker never saw: a receipt ended without a cut, or
// recovered after a kill) reads nothing, says why in Engine, and does not
// take the agent down.
func TestCacheFallbackPanics(t *testing.T) {
	c := recog.NewCache(panicky{})
	img := raster.New()
	img.Set(3, 1)
	r := c.Recognize(img)
	if len(r.Lines) != 0 || !strings.Contains(r.Engine, "recogniser failed: index out of range") {
		t.Fatalf("got %+v; want nothing read and the failure named", r)
	}
}

// TestWorkerRecogniserPanics: a recogniser that panics on the worker
// reads nothing for that image, says why in Engine, as the cache's
// fallback does, and the worker goes on with the next job.
func TestWorkerRecogniserPanics(t *testing.T) {
	w := recog.NewWorker([]recog.Device{{Name: "printer", Recognizer: panicky{}}}, 2)
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- w.Run(ctx) }()
	for seq := uint64(1); seq <= 2; seq++ {
		if !w.Submit(recog.Job{Dev: "printer", Seq: seq, Data: image()}) {
			t.Fatalf("refused job %d", seq)
		}
		d := <-w.Done()
		if d.Seq != seq || len(d.Results) != 1 || len(d.Results[0].Res.Lines) != 0 ||
			!strings.Contains(d.Results[0].Res.Engine, "recogniser failed: index out of range") {
			t.Fatalf("done %+v; want job %d with nothing read and the failure named", d, seq)
		}
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v", err)
	}
}

// cardLine reads every image as a line with a full card number, one digit
// read as a look-alike letter.
type cardLine struct{}

func (cardLine) Recognize(img *raster.Bitmap) raster.Result {
	return raster.Result{Engine: "card", Lines: []raster.Line{{Text: "CARD 4539l48803436467 OK", Confidence: 1}}}
}

// TestCacheKeepsMaskedText: what a cache keeps (and a worker hands over)
// holds no full card number: a quiet lane's cache keeps results for
// hours. The runes hidden are named in Line.Masked for the redactors.
func TestCacheKeepsMaskedText(t *testing.T) {
	c := recog.NewCache(cardLine{})
	img := raster.New()
	img.Set(3, 1)
	c.Recognize(img)
	kept, ok := c.Lookup(img)
	if !ok || len(kept.Lines) != 1 {
		t.Fatalf("kept %+v, %v; want one line", kept, ok)
	}
	l := kept.Lines[0]
	if l.Text != "CARD 4539l4******6467 OK" { // the first six kept as read
		t.Errorf("kept text %q, want the card number masked", l.Text)
	}
	if want := []int{11, 12, 13, 14, 15, 16}; !slices.Equal(l.Masked, want) {
		t.Errorf("masked runes %v, want %v", l.Masked, want)
	}
}
