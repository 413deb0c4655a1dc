package escpos

import (
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// job is the print job in progress.
type job struct {
	start    time.Time
	last     time.Time // time of its last job byte
	lines    []drivers.Line
	text     bool // some line holds visible text
	graphics bool
	kick     bool
	proofAt  time.Time // GS ( H fn 48 asked to confirm the job printed; zero: not asked
	seq      uint64    // numbers the job, so status requests know which job they were sent for
	silent   bool      // a status request sent during it went unanswered
	unknown  int
	items    []Item
	recog    *drivers.Recognition // lines recognised from images, nil when none
}

// hasContent reports whether the job would print something a person sees.
func (j *job) hasContent(t *textState) bool {
	return j.text || j.graphics || t.hasVisible()
}

// openJob makes sure a job is open and marks this chunk as its latest.
func (d *Decoder) openJob() {
	if d.held == nil && d.job != nil { // the common case: every text byte of a job
		if d.job.last != d.now {
			d.job.last = d.now
		}
		return
	}
	d.releaseHeld()
	if d.job == nil {
		d.flushLoose()
		d.jobSeq++
		d.job = &job{start: d.now, seq: d.jobSeq}
	}
	d.job.last = d.now
}

// addLine adds a finished line that started at host offset at: to the
// page in page mode, to the open job otherwise.
func (d *Decoder) addLine(l drivers.Line, at int64) {
	if d.page.on {
		if len(d.page.lines) >= MaxLines {
			d.stats.Truncated++
			return
		}
		d.page.lines = append(d.page.lines, l)
	} else if !d.jobLine(l) {
		return
	}
	if d.opts.Detail {
		lc := l // only a detailed decode keeps the line by address (l itself stays on the stack)
		d.item(Item{Offset: at, Kind: KindLine, Line: &lc})
	}
}

// jobLinesCap is the capacity of a job's first lines: a receipt has a few
// dozen.
const jobLinesCap = 32

// jobLine appends a line to the open job; false when the job is full.
func (d *Decoder) jobLine(l drivers.Line) bool {
	if d.job == nil {
		d.openJob()
	}
	if len(d.job.lines) >= MaxLines {
		d.stats.Truncated++
		return false
	}
	if l.Text != "" {
		d.job.text = true
	}
	if d.job.lines == nil { // a receipt's worth at once; a job without lines keeps nil
		d.job.lines = make([]drivers.Line, 0, jobLinesCap)
	}
	d.job.lines = append(d.job.lines, l)
	return true
}

// cut ends the open job at a cut command. The receipt is held for a
// drawer kick that may follow.
func (d *Decoder) cut(cmd, mode string) {
	if d.job == nil {
		d.item(Item{Offset: d.cmdAt, Kind: KindCut, Command: cmd, Note: mode})
		return
	}
	if d.text.started {
		d.text.endLine(d) // text before the cut prints before it
	}
	d.closeImage()
	d.item(Item{Offset: d.cmdAt, Kind: KindCut, Command: cmd, Note: mode})
	d.job.last = d.now
	d.endJob("cut", true, d.now)
}

// endJob closes the open job. A job with content becomes a receipt (held
// when cut, returned otherwise); an empty one is dropped.
func (d *Decoder) endJob(ended string, cut bool, at time.Time) {
	j := d.job
	if d.text.started {
		d.text.endLine(d)
	}
	d.closeImage()
	if len(d.page.lines) > 0 { // a page never printed
		d.cancelPage()
	}
	d.job = nil
	if !j.text && !j.graphics {
		d.stats.Dropped++
		if d.opts.Detail && len(j.items) > 0 {
			d.det.loose = append(d.det.loose, j.items...)
		}
		return
	}
	r := &drivers.Receipt{
		Head:         drivers.Head{Time: at},
		Start:        j.start,
		Lines:        j.lines,
		Cut:          cut,
		DrawerKick:   j.kick,
		GraphicsOnly: j.graphics && !j.text,
		Ended:        ended,
		Unknown:      j.unknown,
		Recognised:   j.recog,
		Unanswered:   j.silent,
	}
	if cut {
		d.held = r
		d.det.held = j.items
		d.heldProof = j.proofAt
		d.heldSeq = j.seq
		return
	}
	d.finish(r, j.items)
}

// releaseHeld returns the held cut receipt, if any.
func (d *Decoder) releaseHeld() {
	if d.held != nil {
		r, items := d.held, d.det.held
		d.held, d.det.held, d.heldProof, d.heldSeq = nil, nil, time.Time{}, 0
		d.finish(r, items)
	}
}

// finish fills the profile fields and returns the receipt.
func (d *Decoder) finish(r *drivers.Receipt, items []Item) {
	if d.opts.Fields != nil {
		extract(d.opts.Fields, r)
	}
	d.stats.Jobs++
	d.flushLoose()
	d.detailFor(r, items)
	d.emit(r)
}
