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
	unknown  int
}

// hasContent reports whether the job would print something a person sees.
func (j *job) hasContent(t *textState) bool {
	return j.text || j.graphics || t.hasVisible()
}

// openJob makes sure a job is open and marks this chunk as its latest.
func (d *Decoder) openJob() {
	d.releaseHeld()
	if d.job == nil {
		d.job = &job{start: d.now}
	}
	d.job.last = d.now
}

// addLine appends a finished line to the open job.
func (d *Decoder) addLine(l drivers.Line) {
	if d.job == nil {
		d.openJob()
	}
	if len(d.job.lines) >= MaxLines {
		d.stats.Truncated++
		return
	}
	if l.Text != "" {
		d.job.text = true
	}
	d.job.lines = append(d.job.lines, l)
}

// cut ends the open job at a cut command. The receipt is held for a
// drawer kick that may follow.
func (d *Decoder) cut() {
	if d.job == nil {
		return
	}
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
	d.job = nil
	if !j.text && !j.graphics {
		d.stats.Dropped++
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
	}
	if cut {
		d.held = r
		return
	}
	d.finish(r)
}

// releaseHeld returns the held cut receipt, if any.
func (d *Decoder) releaseHeld() {
	if d.held != nil {
		r := d.held
		d.held = nil
		d.finish(r)
	}
}

// finish fills the profile fields and returns the receipt.
func (d *Decoder) finish(r *drivers.Receipt) {
	if d.opts.Fields != nil {
		d.opts.Fields.Extract(r)
	}
	d.stats.Jobs++
	d.emit(r)
}
