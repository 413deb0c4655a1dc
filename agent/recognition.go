package agent

import (
	"cmp"
	"context"
	"fmt"
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
// recog.Worker, whose decoder joins the images as the lane's does (same
// options, same times). The printer's chunks then wait, in order, until
// the worker has decoded them; its results come back as an input
// (lane.Recognised) and only then are the chunks fed to the lane's
// decoder, which finds what each image says in its cache. The printer's
// idle flush (which reads the image of a job ended without a cut) waits
// the same way for the worker's flush of its decoder (idleRasters). An
// image the lane's decoder finds no result for is not read but printed
// with amounts not read (recog.Cache.Unread; Stats.ReadInline counts
// them). Other devices are decoded, journaled and shown at once
// meanwhile.
//
// The detector must see the receipt before it decides what the receipt
// could change (a payment_without_receipt whose receipt is being read),
// so while a printer's chunks wait it is held: the events of the other
// devices wait too and its clock stays just before the first waiting
// chunk; when the chunks are released every waiting event is observed in
// time order, as replay observes a capture. The wait is bounded
// (Options.RecognitionHold, 30 s, and Options.RecognitionBudget bytes):
// past it the worker is given up on for that printer and its receipts go
// on as printed, amounts not read (rasterFlow). Replay runs no worker:
// the lane's decoder reads each image in line, in order.

// recogDepth bounds the chunks queued for the worker; more wait in
// rasterFlow.unsent, all counted in the budget (Options.RecognitionBudget).
const recogDepth = 256

// defaultMaxHold bounds how long recognition holds the detector and a
// printer's input (Options.RecognitionHold).
const defaultMaxHold = 30 * time.Second

// defaultBudget bounds the bytes of raster printers' input kept in memory
// for recognition (Options.RecognitionBudget): some 55 receipts of 72 KB,
// four minutes of a 115200 baud line.
const defaultBudget = 4 << 20

// stopWait bounds how long a stopping agent waits for recognition in
// flight (what is left is in the raw input log, image dots blanked).
const stopWait = 10 * time.Second

// What a receipt's recognised.engine says when its image was not read.
const (
	// missEngine: the worker never saw the image as the lane's decoder
	// cut it (a stream it joined differently; input recovered at a start).
	missEngine = "none: not read (the recognition worker did not see this image)"
	// stuckEngine: the worker was given up on (rasterFlow.giveUp).
	stuckEngine = "none: not read (recognition stuck: %s)"
)

// Why recognition is given up on a device (stuckEngine, the log).
const (
	whyHold   = "the receipt waited past the hold"
	whyBudget = "the images waiting passed the memory budget"
)

// rasterFlow is the core goroutine's side of recognition: the chunks of
// raster printers waiting for the worker. Core goroutine only.
//
// Memory is bounded (Options.RecognitionBudget, Options.RecognitionHold):
// when the bytes kept for recognition would pass the budget, or a
// printer's oldest input waiting passed the hold, the worker is taken to
// be stuck for that printer (giveUp): its input waiting goes on to the
// lane's decoder at once, and so does all its input after, without
// waiting; the images nobody read print nothing readable (the receipt is
// journaled as printed with amounts not read, recognised.engine saying
// why; its dots are blanked in the capture and the raw input log). Once
// the worker has finished every job it had for that printer and the
// printer's decoder is settled, the worker's decoder starts afresh and
// images are read again (resume).
type rasterFlow struct {
	worker  *recog.Worker
	names   []string // the raster printers, sorted
	caches  map[string]*recog.Cache
	budget  int
	held    map[string][]heldInput
	seq     uint64
	unsent  []recog.Job // refused by a full queue; sent as jobs finish
	sent    int         // jobs sent and not done
	jobs    map[uint64]*jobInfo
	bytes   int                  // bytes of the chunks held
	orphans int                  // bytes of jobs not done whose input went on (given up)
	peak    int                  // most bytes kept at once (Stats.RecogKeptMax)
	stuck   map[string]string    // devices given up on, and why
	flushed map[string]time.Time // the time of each device's last flush through the worker
}

// jobInfo is a job not done yet.
type jobInfo struct {
	dev    string
	n      int  // its bytes
	orphan bool // its input went on without it
}

// heldInput is an input of a raster printer waiting for the worker.
type heldInput struct {
	in   input
	seq  uint64 // the job of a host chunk or a flush; 0 for input with no job
	done bool
}

// input is what a step takes: a link's input, or (flush) the idle flush
// of a raster printer's decoder at Chunk.Time, made once the worker
// flushed its own decoder (an image of a job ended without a cut is read
// there, not on the core goroutine).
type input struct {
	links.Input
	flush bool
}

// inputs wraps link input.
func inputs(ls []links.Input) []input {
	out := make([]input, len(ls))
	for i, in := range ls {
		out[i] = input{Input: in}
	}
	return out
}

// batch is the events one input (or the idle flush) gave, with its time.
type batch struct {
	at  time.Time
	evs []drivers.Event
}

// newRasterFlow returns nil for a lane without raster printers.
func newRasterFlow(ln *lane.Lane, wrap func(dev string, r escpos.Recognizer) escpos.Recognizer, budget int) *rasterFlow {
	rs := ln.Rasters()
	if len(rs) == 0 {
		return nil
	}
	var devs []recog.Device
	caches := map[string]*recog.Cache{}
	names := slices.Sorted(maps.Keys(rs))
	for _, n := range names {
		r := rs[n]
		rec := r.Recognizer
		if wrap != nil {
			rec = wrap(n, rec)
		}
		devs = append(devs, recog.Device{Name: n, Recognizer: rec, Options: r.Options})
		caches[n] = r.Cache
	}
	return &rasterFlow{worker: recog.NewWorker(devs, recogDepth), names: names, caches: caches, budget: budget,
		held: map[string][]heldInput{}, jobs: map[uint64]*jobInfo{}, stuck: map[string]string{}, flushed: map[string]time.Time{}}
}

// live makes the lane's decoders and redactors read no image themselves
// from now on (the start's recovered input was read in line): they find
// what the worker read, and an image it did not read prints nothing
// readable (recog.Cache.Unread).
func (f *rasterFlow) live() {
	if f == nil {
		return
	}
	for _, c := range f.caches {
		c.Unread(missEngine)
	}
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

// kept is the bytes of printer input kept for recognition: chunks held,
// and the data of jobs whose input went on without them.
func (f *rasterFlow) kept() int {
	if f == nil {
		return 0
	}
	return f.bytes + f.orphans
}

// keptMax is the most bytes kept at once.
func (f *rasterFlow) keptMax() int {
	if f == nil {
		return 0
	}
	return f.peak
}

// since is the time of the oldest input waiting; zero when none does.
func (f *rasterFlow) since() time.Time {
	var t time.Time
	if f == nil {
		return t
	}
	for _, h := range f.held {
		if len(h) > 0 {
			if at := inputTime(h[0].in.Input); t.IsZero() || at.Before(t) {
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
// the raw input log at once) and returns the rest, to decode now. A
// chunk that would take the bytes kept past the budget gives the worker
// up for its printer (giveUp); a printer given up on holds nothing,
// unless the worker caught up with it (resume) before its chunk.
func (a *Agent) routeInput(items []links.Input) []input {
	f := a.ras
	if f == nil {
		return inputs(items)
	}
	var now []input
	for _, in := range items {
		if _, ok := a.rasters[in.Dev]; !ok {
			now = append(now, input{Input: in})
			continue
		}
		if in.Link == nil {
			a.raw.Add(in.Dev, in.Chunk) // durable from the next commit, see rawDevices
		} else if in.Link.Up {
			a.raw.Opened(in.Dev, in.Link.Time) // its quiet gap counts from here
		}
		a.resume(in.Dev) // caught up while the core slept: this chunk is read
		if f.stuck[in.Dev] == "" && f.kept()+len(in.Chunk.Data) > f.budget {
			now = append(now, a.giveUp(in.Dev, whyBudget, inputTime(in))...)
		}
		if f.stuck[in.Dev] != "" {
			now = append(now, input{Input: in})
			continue
		}
		h := heldInput{in: input{Input: in}, done: true}
		if in.Link == nil && in.Chunk.Dir == drivers.FromHost && len(in.Chunk.Data) > 0 {
			h.seq, h.done = f.send(recog.Job{Dev: in.Dev, Time: in.Chunk.Time, Data: in.Chunk.Data}), false
		}
		f.hold(in.Dev, h)
	}
	return append(now, f.release()...)
}

// hold keeps h at the end of dev's input waiting.
func (f *rasterFlow) hold(dev string, h heldInput) {
	f.held[dev] = append(f.held[dev], h)
	f.bytes += len(h.in.Chunk.Data)
	f.peak = max(f.peak, f.kept())
}

// send numbers a job and queues it, keeping it when the worker's queue is
// full; it returns the job's number.
func (f *rasterFlow) send(j recog.Job) uint64 {
	f.seq++
	j.Seq = f.seq
	f.jobs[j.Seq] = &jobInfo{dev: j.Dev, n: len(j.Data)}
	if len(f.unsent) == 0 && f.worker.Submit(j) {
		f.sent++
		return j.Seq
	}
	f.unsent = append(f.unsent, j)
	return j.Seq
}

// finished takes a finished job: its results go to the lane's cache, and
// the input that no longer waits is returned in arrival order.
func (a *Agent) finished(d recog.Done) []input {
	f := a.ras
	f.sent--
	if j := f.jobs[d.Seq]; j != nil {
		if j.orphan {
			f.orphans -= j.n
		}
		delete(f.jobs, d.Seq)
	}
	a.lane.Recognised(d.Dev, d.Results)
	for i := range f.held[d.Dev] {
		if h := &f.held[d.Dev][i]; h.seq == d.Seq {
			h.done = true
		}
	}
	for len(f.unsent) > 0 && f.worker.Submit(f.unsent[0]) {
		f.sent++
		f.unsent = f.unsent[1:]
	}
	return f.release()
}

// release returns the input at the head of each device's queue that no
// longer waits: merged by time, each device's in its order.
func (f *rasterFlow) release() []input {
	var out []input
	var runs [][]heldInput
	for dev, h := range f.held {
		n := 0
		for n < len(h) && h[n].done {
			f.bytes -= len(h[n].in.Chunk.Data)
			n++
		}
		if n > 0 {
			runs = append(runs, h[:n])
		}
		f.held[dev] = h[n:]
		if len(f.held[dev]) == 0 {
			f.held[dev] = nil
		}
	}
	for len(runs) > 0 {
		first := 0
		for i, r := range runs {
			if inputTime(r[0].in.Input).Before(inputTime(runs[first][0].in.Input)) {
				first = i
			}
		}
		out = append(out, runs[first][0].in)
		if runs[first] = runs[first][1:]; len(runs[first]) == 0 {
			runs = slices.Delete(runs, first, first+1)
		}
	}
	return out
}

// idleRasters flushes, as Lane.Idle would at at, the raster printers the
// worker reads for: at once a decoder that holds nothing (it has no image
// to read), else once the worker flushed its own decoder (a flush input
// queued behind the device's input). A printer given up on is flushed
// by Lane.IdleExcept.
func (a *Agent) idleRasters(at time.Time) []drivers.Event {
	f := a.ras
	if f == nil {
		return nil
	}
	var evs []drivers.Event
	for _, dev := range f.names {
		if f.stuck[dev] != "" || !a.lane.Quiet(dev, at) || f.holds(dev) {
			continue // a held input goes first: the decoder is flushed in a later step
		}
		if a.lane.Settled(dev) {
			evs = append(evs, a.lane.Flush(dev, at)...)
			continue
		}
		if at.Sub(f.flushed[dev]) < a.opts.Tick {
			continue // the step after a flush's Done would flush again at once, and so on
		}
		f.flushed[dev] = at
		seq := f.send(recog.Job{Dev: dev, Time: at, Flush: true})
		f.hold(dev, heldInput{in: input{Input: links.Input{Dev: dev, Chunk: drivers.Chunk{Time: at}}, flush: true}, seq: seq})
	}
	return evs
}

// workerFlushes reports the raster printers Lane.IdleExcept leaves to
// idleRasters: those not given up on.
func (f *rasterFlow) workerFlushes() func(dev string) bool {
	if f == nil {
		return nil
	}
	return f.viaWorker
}

// viaWorker reports whether dev's idle flush goes through the worker: a
// raster printer not given up on.
func (f *rasterFlow) viaWorker(dev string) bool {
	_, ok := f.caches[dev]
	return ok && f.stuck[dev] == ""
}

// recogRound gives the worker up for the printers whose oldest input
// waiting passed the hold, returning that input, and takes it back for
// those it caught up with.
func (a *Agent) recogRound(now time.Time) []input {
	f := a.ras
	if f == nil {
		return nil
	}
	var out []input
	for _, dev := range f.names {
		if h := f.held[dev]; len(h) > 0 && now.Sub(inputTime(h[0].in.Input)) > a.opts.RecognitionHold {
			out = append(out, a.giveUp(dev, whyHold, now)...)
		}
		a.resume(dev)
	}
	return out
}

// giveUp stops waiting for the worker on dev (see rasterFlow): the input
// it holds is returned, to decode now, its jobs not sent yet are dropped,
// and from now on dev's images that have no result are not read.
func (a *Agent) giveUp(dev, why string, now time.Time) []input {
	f := a.ras
	var out []input
	n := 0
	for _, h := range f.held[dev] {
		out = append(out, h.in)
		n += len(h.in.Chunk.Data)
	}
	waited := time.Duration(0)
	if len(f.held[dev]) > 0 {
		waited = now.Sub(inputTime(f.held[dev][0].in.Input)).Round(time.Millisecond)
	}
	f.bytes -= n
	f.held[dev] = nil
	f.unsent = slices.DeleteFunc(f.unsent, func(j recog.Job) bool {
		if j.Dev != dev {
			return false
		}
		delete(f.jobs, j.Seq)
		return true
	})
	for _, j := range f.jobs {
		if j.dev == dev && !j.orphan {
			j.orphan = true
			f.orphans += j.n
		}
	}
	f.stuck[dev] = why
	f.caches[dev].Unread(fmt.Sprintf(stuckEngine, why))
	a.log.Warn("image recognition stuck: the printer's receipts go on as printed, amounts not read, until it catches up",
		"device", dev, "why", why, "waited", waited, "bytes_waiting", n, "hold", a.opts.RecognitionHold, "budget", f.budget)
	return out
}

// resume reads dev's images again once the worker finished every job it
// had for dev and dev's decoder is settled: the worker's decoder starts
// afresh there (it missed the input between).
func (a *Agent) resume(dev string) {
	f := a.ras
	if f.stuck[dev] == "" || !a.lane.Settled(dev) {
		return
	}
	for _, j := range f.jobs {
		if j.dev == dev {
			return
		}
	}
	if len(f.unsent) > 0 || !f.worker.Submit(recog.Job{Dev: dev, Seq: f.seq + 1, Reset: true}) {
		return // the queue is full: next round
	}
	f.seq++
	f.jobs[f.seq] = &jobInfo{dev: dev, orphan: true}
	f.sent++
	delete(f.stuck, dev)
	f.caches[dev].Unread(missEngine)
	a.log.Info("image recognition caught up: the printer's images are read again", "device", dev)
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
		until = floor // input is given up on before this (recogRound); a stop's drain steps without it
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
// and processes the input they release; not at all when the worker was
// given up on (it is stuck: its Run returns without it, see recog.Worker).
func (a *Agent) drainRecognition() error {
	if !a.ras.busy() {
		return nil
	}
	if len(a.ras.stuck) > 0 {
		a.log.Warn("stopped with images not read yet, recognition stuck; their dots are not kept", "jobs", a.ras.sent+len(a.ras.unsent))
		return nil
	}
	t := time.NewTimer(stopWait)
	defer t.Stop()
	for a.ras.busy() && a.ras.sent > 0 {
		select {
		case d := <-a.ras.doneC():
			if err := a.step(a.finished(d), a.opts.Now(), true); err != nil {
				return err
			}
		case <-t.C:
			a.log.Warn("stopped with images not read yet; their dots are not kept", "jobs", a.ras.sent+len(a.ras.unsent))
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
