package escpos

import (
	"bytes"
	"strings"

	"github.com/tillwatch/tillwatch/drivers"
)

// style is the print mode that applies to the next character.
type style struct {
	bold, doubleHeight, doubleWidth, underline, inverse bool
	align                                               string
}

// textState builds the current line from text runs.
type textState struct {
	style   style
	table   *codeTable // single-byte code table (ESC t)
	chinese bool       // double-byte GBK mode (FS &, ESC R 15, default)

	run      []byte     // raw bytes of the current run (no command inside)
	runGBK   bool       // the run is in Chinese mode
	runTable *codeTable // the run's single-byte table
	line     []byte     // decoded UTF-8 text of the line so far
	raw      int        // raw bytes in the line (bounded by MaxLineBytes)
	started  bool       // the line has a character
	first    style      // style at the line's first character
	eol      byte       // CR or LF that just ended a line, 0 otherwise
}

// add appends one text byte to the current run.
func (t *textState) add(d *Decoder, b byte) {
	if len(t.run) > 0 && (t.runGBK != t.chinese || t.runTable != t.table) {
		t.endRun(d)
	}
	if !t.started {
		t.started = true
		t.first = t.style
	}
	if t.raw >= MaxLineBytes {
		if t.raw == MaxLineBytes {
			d.stats.Truncated++
		}
		t.raw = MaxLineBytes + 1
		return
	}
	t.raw++
	t.runGBK, t.runTable = t.chinese, t.table
	t.run = append(t.run, b)
}

// endRun decodes the current run into the line. Double-byte pairs re-align
// here: a run ends at every command and line end.
func (t *textState) endRun(d *Decoder) {
	if len(t.run) == 0 {
		return
	}
	if t.runGBK {
		var bad int
		t.line, bad = appendGBK(t.line, t.run)
		d.stats.BadText += bad
	} else {
		t.line = appendSingle(t.line, t.run, t.runTable)
	}
	t.run = t.run[:0]
}

// hasVisible reports whether the line in progress holds visible text.
func (t *textState) hasVisible() bool {
	return len(bytes.TrimSpace(t.line)) > 0 || len(bytes.TrimSpace(t.run)) > 0
}

// endLine finishes the current line and adds it to the job.
func (t *textState) endLine(d *Decoder) {
	t.endRun(d)
	text := strings.TrimRight(string(t.line), " \t")
	l := drivers.Line{Text: text}
	if text != "" {
		s := t.first
		l.Bold, l.DoubleHeight, l.DoubleWidth = s.bold, s.doubleHeight, s.doubleWidth
		l.Underline, l.Inverse, l.Align = s.underline, s.inverse, s.align
	}
	t.line = t.line[:0]
	t.raw = 0
	t.started = false
	d.addLine(l)
}
