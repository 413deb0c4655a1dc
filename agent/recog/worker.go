package recog

import (
	"context"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// Device is a raster device the worker reads for. Its Recognizer may run
// on the worker and, for a Cache miss, on the core goroutine at the same
// time: it must be safe for concurrent use (glyphs.Dict and the tesseract
// recognisers keep no state while reading).
type Device struct {
	Name       string
	Recognizer escpos.Recognizer
	Printer    *escpos.Printer // nil: epson
}

// Job is a chunk of a device's host bytes, numbered by the caller.
type Job struct {
	Dev  string
	Seq  uint64
	Data []byte // not changed by the worker; the caller must not change it either
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
// Done, in order; Done holds depth+1 of them, so a reader that takes
// them as they come never makes Run wait.
type Worker struct {
	in   chan Job
	out  chan Done
	devs map[string]*shadow
}

// shadow is the worker's decoder of one device and what its recogniser
// read during the current job.
type shadow struct {
	dec  *escpos.Decoder
	rec  escpos.Recognizer
	read []Result
}

// NewWorker returns a worker for devs with a queue of depth jobs.
func NewWorker(devs []Device, depth int) *Worker {
	w := &Worker{in: make(chan Job, depth), out: make(chan Done, depth+1), devs: map[string]*shadow{}}
	for _, d := range devs {
		s := &shadow{rec: d.Recognizer}
		s.dec = escpos.New(escpos.Options{Printer: d.Printer, Recognizer: recorder{s}})
		w.devs[d.Name] = s
	}
	return w
}

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

// Run decodes jobs until ctx is done; it returns ctx's error.
func (w *Worker) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case j := <-w.in:
			select {
			case w.out <- w.do(j):
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
	s.dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: j.Data})
	d := Done{Dev: j.Dev, Seq: j.Seq, Results: s.read}
	s.read = nil
	return d
}
