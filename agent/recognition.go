package agent

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/links"
	"github.com/tillwatch/tillwatch/agent/recog"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
)

// Recognition off the core goroutine.
//
// Reading a printed image takes milliseconds with a glyph dictionary and
// seconds with Tesseract. The core goroutine never runs it: every chunk
// of a raster printer goes, as it arrives, into the raw input log (its
// unread image dots blanked, see rawDevices) and, for host bytes, to a
// recog.Worker. The printer's chunks then wait, in order, until the
// worker has decoded them; its results come back as an input
// (lane.Recognised) and only then are the chunks fed to the lane's
// decoder, which finds what each image says in its cache. Other devices
// are decoded, journaled and shown at once meanwhile.
//
// The detector must see the receipt before it decides what the receipt
// could change (a payment_without_receipt whose receipt is being read),
// so while a printer's chunks wait it is held: the events of the other
// devices wait too and its clock stays just before the first waiting
// chunk; when the chunks are released every waiting event is observed in
// time order, as replay observes a capture. The hold is bounded
// (Options.RecognitionHold, 30 s): past it the detector goes on to that
// long ago (decisions are at most that late) and a receipt read later is observed late. Replay runs
// no worker: the lane's decoder reads each image in line, in order.

// recogDepth bounds the chunks queued for the worker; more wait in
// rasterFlow.unsent (memory), as rawlog bounds what is written of them.
const recogDepth = 256

// defaultMaxHold bounds how long recognition holds the detector
// (Options.RecognitionHold).
const defaultMaxHold = 30 * time.Second

// stopWait bounds how long a stopping agent waits for recognition in
// flight (what is left is in the raw input log, image dots blanked).
const stopWait = 10 * time.Second

// rasterFlow is the core goroutine's side of recognition: the chunks of
// raster printers waiting for the worker. Core goroutine only.
type rasterFlow struct {
	worker  *recog.Worker
	held    map[string][]heldInput
	seq     uint64
	unsent  []recog.Job // refused by a full queue; sent as jobs finish
	behind  bool        // the hold passed its bound (logged once per hold)
	pending int         // jobs sent and not done
}

// heldInput is an input of a raster printer waiting for the worker.
type heldInput struct {
	in   links.Input
	seq  uint64 // the job of a host chunk; 0 for input with no job
	done bool
}

// batch is the events one input (or the idle flush) gave, with its time.
type batch struct {
	at  time.Time
	evs []drivers.Event
}

// newRasterFlow returns nil for a lane without raster printers.
func newRasterFlow(ln *lane.Lane, wrap func(dev string, r escpos.Recognizer) escpos.Recognizer) *rasterFlow {
	rs := ln.Rasters()
	if len(rs) == 0 {
		return nil
	}
	var devs []recog.Device
	for _, n := range slices.Sorted(maps.Keys(rs)) {
		r := rs[n]
		rec := r.Recognizer
		if wrap != nil {
			rec = wrap(n, rec)
		}
		devs = append(devs, recog.Device{Name: n, Recognizer: rec, Printer: r.Printer})
	}
	return &rasterFlow{worker: recog.NewWorker(devs, recogDepth), held: map[string][]heldInput{}}
}

// run runs the worker until ctx is done.
func (f *rasterFlow) run(ctx context.Context) error {
	if f == nil {
		return nil
	}
	return f.worker.Run(ctx)
}

// doneC is the channel of finished jobs (nil without a worker).
func (f *rasterFlow) doneC() <-chan recog.Done {
	if f == nil {
		return nil
	}
	return f.worker.Done()
}

// holds reports whether dev has input waiting.
func (f *rasterFlow) holds(dev string) bool { return f != nil && len(f.held[dev]) > 0 }

// busy reports whether any input waits.
func (f *rasterFlow) busy() bool {
	if f == nil {
		return false
	}
	for _, h := range f.held {
		if len(h) > 0 {
			return true
		}
	}
	return false
}

// since is the time of the oldest input waiting; zero when none does.
func (f *rasterFlow) since() time.Time {
	var t time.Time
	if f == nil {
		return t
	}
	for _, h := range f.held {
		if len(h) > 0 {
			if at := inputTime(h[0].in); t.IsZero() || at.Before(t) {
				t = at
			}
		}
	}
	return t
}

func inputTime(in links.Input) time.Time {
	if in.Link != nil {
		return in.Link.When()
	}
	return in.Chunk.Time
}

// routeInput keeps the input of raster printers (writing their chunks to
// the raw input log at once) and returns the rest, to decode now.
func (a *Agent) routeInput(items []links.Input) []links.Input {
	f := a.ras
	if f == nil {
		return items
	}
	now := items[:0:0]
	for _, in := range items {
		if _, ok := a.rasters[in.Dev]; !ok {
			now = append(now, in)
			continue
		}
		if in.Link == nil {
			a.raw.Add(in.Dev, in.Chunk) // durable from the next commit, see rawDevices
		} else if in.Link.Up {
			a.raw.Opened(in.Dev, in.Link.Time) // its quiet gap counts from here
		}
		h := heldInput{in: in, done: true}
		if in.Link == nil && in.Chunk.Dir == drivers.FromHost && len(in.Chunk.Data) > 0 {
			f.seq++
			h.seq, h.done = f.seq, false
			f.send(recog.Job{Dev: in.Dev, Seq: f.seq, Data: in.Chunk.Data})
		}
		f.held[in.Dev] = append(f.held[in.Dev], h)
	}
	return append(now, f.release()...)
}

// send queues a job, keeping it when the worker's queue is full.
func (f *rasterFlow) send(j recog.Job) {
	if len(f.unsent) == 0 && f.worker.Submit(j) {
		f.pending++
		return
	}
	f.unsent = append(f.unsent, j)
}

// finished takes a finished job: its results go to the lane's cache, and
// the input that no longer waits is returned in arrival order.
func (a *Agent) finished(d recog.Done) []links.Input {
	f := a.ras
	f.pending--
	a.lane.Recognised(d.Dev, d.Results)
	for i := range f.held[d.Dev] {
		if h := &f.held[d.Dev][i]; h.seq == d.Seq {
			h.done = true
		}
	}
	for len(f.unsent) > 0 && f.worker.Submit(f.unsent[0]) {
		f.pending++
		f.unsent = f.unsent[1:]
	}
	return f.release()
}

// release returns the input at the head of each device's queue that no
// longer waits, oldest first.
func (f *rasterFlow) release() []links.Input {
	var out []links.Input
	for dev, h := range f.held {
		n := 0
		for n < len(h) && h[n].done {
			out = append(out, h[n].in)
			n++
		}
		f.held[dev] = h[n:]
		if len(f.held[dev]) == 0 {
			f.held[dev] = nil
		}
	}
	slices.SortStableFunc(out, func(x, y links.Input) int { return inputTime(x).Compare(inputTime(y)) })
	if !f.busy() {
		f.behind = false
	}
	return out
}

// holdUntil is how far the detector may go at now: now when nothing
// waits, else just before the oldest waiting input, but no more than
// Options.RecognitionHold behind now.
func (a *Agent) holdUntil(now time.Time) time.Time {
	s := a.ras.since()
	if s.IsZero() {
		return now
	}
	until := s.Add(-time.Nanosecond)
	if floor := now.Add(-a.opts.RecognitionHold); until.Before(floor) {
		if !a.ras.behind {
			a.ras.behind = true
			a.log.Warn("image recognition is behind; the detector no longer waits for it", "behind", now.Sub(s).Round(time.Second), "bound", a.opts.RecognitionHold)
		}
		until = floor
	}
	if until.After(now) {
		return now
	}
	return until
}

// detect observes the batches not held back, in time order, and moves the
// detector's clock; held batches wait for a later step.
func (a *Agent) detect(bs []batch, now time.Time) []detect.Alert {
	a.waiting = append(a.waiting, bs...)
	until := a.holdUntil(now)
	slices.SortStableFunc(a.waiting, func(x, y batch) int { return cmp.Compare(x.at.UnixNano(), y.at.UnixNano()) })
	n := 0
	for n < len(a.waiting) && !a.waiting[n].at.After(until) {
		n++
	}
	var alerts []detect.Alert
	for _, b := range a.waiting[:n] {
		alerts = append(alerts, a.lane.Observe(b.evs)...)
	}
	a.waiting = slices.Delete(a.waiting, 0, n)
	return append(alerts, a.lane.Advance(until)...)
}

// drainRecognition waits up to stopWait for the jobs in flight at a stop
// and processes the input they release.
func (a *Agent) drainRecognition() error {
	if !a.ras.busy() {
		return nil
	}
	t := time.NewTimer(stopWait)
	defer t.Stop()
	for a.ras.busy() && a.ras.pending > 0 {
		select {
		case d := <-a.ras.doneC():
			if err := a.step(a.finished(d), a.opts.Now(), true); err != nil {
				return err
			}
		case <-t.C:
			a.log.Warn("stopped with images not read yet; their dots are not kept", "jobs", a.ras.pending+len(a.ras.unsent))
			return nil
		}
	}
	return nil
}

// lostEngine names the recognition of a receipt whose images were being
// read when the agent was killed.
const lostEngine = "none: the image was being read at an unclean stop"

// markUnread marks the receipts recovered after an unclean stop whose
// images were still being read: the raw input log kept their dots
// blanked, so they print nothing readable (graphics only, nothing
// recognised). They did print and cut: marked as printed with amounts
// not read (drivers.Recognition.AmountsUnsure), their payment is not
// reported as payment_without_receipt; what they said is lost. A
// recovered receipt is one whose job began before this run (the decoder
// may release it after recovery, once its drawer-kick wait is over).
func (a *Agent) markUnread(evs []drivers.Event) {
	for _, ev := range evs {
		r, ok := ev.(*drivers.Receipt)
		if !ok || a.rasters[r.Source()] == nil || r.Recognised != nil || !r.GraphicsOnly || !r.Start.Before(a.began) {
			continue
		}
		r.Recognised = &drivers.Recognition{Engine: lostEngine, AmountsUnsure: true}
	}
}
