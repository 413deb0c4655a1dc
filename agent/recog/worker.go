package recog

import (
	"context"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// Device is a raster device the worker reads for. Its Recognizer runs on
// the worker's goroutines; a call Run left stuck (see Worker.Run) may
// still run beside later ones: it must be safe for concurrent use
// (glyphs.Dict and the tesseract recognisers keep no state while
// reading).
type Device struct {
	Name       string
	Recognizer escpos.Recognizer
	// Options are those of the lane's decoder of the device (printer
	// profile, code page, job timeout): the worker's decoder must join
	// the images of the stream exactly as the lane's does. Its Recognizer
	// and Fields are not used.
	Options escpos.Options
}

// Job is a chunk of a device's host bytes, numbered by the caller, or
// (Flush) the passing of time, or (Reset) a fresh start.
type Job struct {
	Dev  string
	Seq  uint64
	Time time.Time // when the bytes arrived (the decoder's timeouts), or the flush's time
	Data []byte    // not changed by the worker; the caller must not change it either
	// Flush ends what timed out by Time (escpos.Decoder.Flush): an image
	// of a job that ends without a cut is read when the lane's decoder
	// flushes it idle, and the worker must have read it first.
	Flush bool
	// Reset starts the device's decoder afresh (after bytes that never
	// reached the worker: its decoder no longer knows where the stream is).
	Reset bool
}

// Done says a job was decoded, with what was read in the images it closed.
type Done struct {
	Dev     string
	Seq     uint64
	Results []Result
}

// Worker reads the images of raster devices' print streams on its own
// goroutine. Submit never blocks: the queue is bounded (Depth jobs) and a
// job that does not fit is refused; every job accepted gets exactly one
// Done, in order, unless Run stops first; Done holds depth+1 of them, so
// a reader that takes them as they come never makes Run wait.
type Worker struct {
	in   chan Job
	out  chan Done
	devs map[string]*shadow
}

// shadow is the worker's decoder of one device and what its recogniser
// read during the current job.
type shadow struct {
	dec  *escpos.Decoder
	opts escpos.Options
	rec  escpos.Recognizer
	read []Result
}

// NewWorker returns a worker for devs with a queue of depth jobs.
func NewWorker(devs []Device, depth int) *Worker {
	w := &Worker{in: make(chan Job, depth), out: make(chan Done, depth+1), devs: map[string]*shadow{}}
	for _, d := range devs {
		s := &shadow{rec: d.Recognizer, opts: d.Options}
		s.opts.Fields, s.opts.Detail = nil, false
		s.opts.Recognizer = recorder{s}
		s.reset()
		w.devs[d.Name] = s
	}
	return w
}

// reset gives s a fresh decoder.
func (s *shadow) reset() { s.dec = escpos.New(s.opts) }

// recorder is the shadow decoder's recogniser: it reads with the real one
// (a panic in it is a result saying so, see read) and keeps the result.
type recorder struct{ s *shadow }

func (r recorder) Recognize(img *raster.Bitmap) raster.Result {
	res := read(r.s.rec, img)
	r.s.read = append(r.s.read, Result{Key: KeyOf(img), Res: res})
	return res
}

// Submit queues a job; false when the queue is full (try again after a
// Done) or the device is not the worker's.
func (w *Worker) Submit(j Job) bool {
	if w.devs[j.Dev] == nil {
		return false
	}
	select {
	case w.in <- j:
		return true
	default:
		return false
	}
}

// Done delivers the finished jobs in the order they were submitted.
func (w *Worker) Done() <-chan Done { return w.out }

// Run decodes jobs until ctx is done; it returns ctx's error. It returns
// as soon as ctx is done even while a recogniser is stuck in its call
// (a recogniser takes no context): that call is left to finish on its
// own goroutine, which then ends, its result dropped (Tesseract's runs
// are killed after 30 s; a glyph dictionary does not block). A worker
// whose Run returned is not run again.
func (w *Worker) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case j := <-w.in:
			res := make(chan Done, 1) // the reader never waits for Run
			go func() { res <- w.do(j) }()
			var d Done
			select {
			case d = <-res:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case w.out <- d:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

// do decodes one job.
func (w *Worker) do(j Job) Done {
	s := w.devs[j.Dev]
	s.read = nil
	switch {
	case j.Reset:
		s.reset()
	case j.Flush:
		s.dec.Flush(j.Time)
	default:
		s.dec.Feed(drivers.Chunk{Time: j.Time, Dir: drivers.FromHost, Data: j.Data})
	}
	d := Done{Dev: j.Dev, Seq: j.Seq, Results: s.read}
	s.read = nil
	return d
}
