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
		d.job.last = d.now
		return
	}
	d.releaseHeld()
	if d.job == nil {
		d.flushLoose()
		d.jobSeq++
		d.jobMem = job{start: d.now, seq: d.jobSeq} // nothing keeps a job past endJob
		d.job = &d.jobMem
		d.jobText.reset() // lines of a job dropped without endJob (ESC @)
	}
	d.job.last = d.now
}

// addLine adds a finished line with its text (masked; read before the
// call returns) that started at host offset at: to the page at its
// vertical position in page mode, to the open job otherwise.
func (d *Decoder) addLine(l drivers.Line, text []byte, at int64) {
	if d.page.on || d.opts.Detail {
		l.Text, text = string(text), nil // pages and items keep their lines' strings
	}
	if d.page.on {
		d.pageLine(l, at) // its item comes when the page prints
		return
	}
	if !d.jobLineText(l, text) {
		return
	}
	if d.opts.Detail {
		lc := l // only a detailed decode keeps the line by address (l itself stays on the stack)
		d.item(Item{Offset: at, Kind: KindLine, Line: &lc, MarginDots: d.ras.left, AreaDots: d.ras.area})
	}
}

// jobLinesCap is the capacity of a job's first lines: a receipt has a few
// dozen.
const jobLinesCap = 32

// jobLine appends a line to the open job; false when the job is full.
func (d *Decoder) jobLine(l drivers.Line) bool { return d.jobLineText(l, nil) }

// jobLineText appends a line to the open job; false when the job is full.
// text, when not empty, is the line's Text, copied into the job's text
// (jobText): the receipt's lines get theirs from one string (endJob).
func (d *Decoder) jobLineText(l drivers.Line, text []byte) bool {
	if d.job == nil {
		d.openJob()
	}
	if len(d.job.lines) >= MaxLines {
		d.stats.Truncated++
		return false
	}
	if l.Text != "" || len(text) > 0 {
		d.job.text = true
	}
	if d.job.lines == nil { // a receipt's worth at once; a job without lines keeps nil
		d.job.lines = make([]drivers.Line, 0, jobLinesCap)
	}
	if len(text) > 0 {
		d.jobText.add(len(d.job.lines), text)
	}
	d.job.lines = append(d.job.lines, l)
	return true
}

// jobText holds the text of the open job's lines until the job ends: one
// string for a receipt instead of one per line.
type jobText struct {
	buf   []byte
	spans []textSpan
}

// textSpan is where a line's text is in jobText.buf.
type textSpan struct{ line, from, to int }

// maxKeptText is the most jobText.buf keeps between jobs.
const maxKeptText = 64 << 10

func (t *jobText) add(line int, text []byte) {
	from := len(t.buf)
	t.buf = append(t.buf, text...)
	t.spans = append(t.spans, textSpan{line, from, len(t.buf)})
}

// fill gives lines their text and empties t for the next job.
func (t *jobText) fill(lines []drivers.Line) {
	if len(t.spans) > 0 {
		s := string(t.buf)
		for _, sp := range t.spans {
			lines[sp.line].Text = s[sp.from:sp.to]
		}
	}
	t.reset()
}

func (t *jobText) reset() {
	t.buf, t.spans = t.buf[:0], t.spans[:0]
	if cap(t.buf) > maxKeptText {
		t.buf, t.spans = nil, nil
	}
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
	d.jobText.fill(j.lines)
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
