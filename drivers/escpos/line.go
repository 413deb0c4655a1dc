package escpos

import (
	"bytes"

	"github.com/tillwatch/tillwatch/drivers"
)

// style is the print mode that applies to the next character.
type style struct {
	bold, doubleHeight, doubleWidth, underline, inverse bool
	align                                               string
	fontB                                               bool // Font B (ESC ! 1, ESC M 1)
	widthMul                                            int  // character width multiple (ESC ! 0x20, GS !); 0 is 1
}

// textState builds the current line from text runs.
type textState struct {
	style   style
	table   *codeTable // single-byte code table (ESC t)
	chinese bool       // double-byte mode (FS &, ESC R 15, default)

	run      []byte     // raw bytes of the current run (no command inside)
	runGBK   bool       // the run is in double-byte mode
	runTable *codeTable // the run's single-byte table
	line     []byte     // decoded UTF-8 text of the line so far
	raw      int        // raw bytes in the line (bounded by MaxLineBytes)
	started  bool       // the line has a character
	at       int64      // host offset of the line's first character
	first    style      // style at the line's first character
	eol      byte       // CR or LF that just ended a line, 0 otherwise
	x        int        // print position in dots from the left margin
	marks    []posMark  // where the line's runs start (position.go)
	cells    []cell     // the line's characters once something printed over it
	over     bool       // something printed over the line: cells hold it
	padFirst bool       // first was taken at a move, before any character
	lead     byte       // GBK lead byte left at the end of the last run
	hasLead  bool
}

// add appends text bytes to the current run. Bytes past MaxLineBytes in
// a line are dropped and counted once in Stats.Truncated.
func (t *textState) add(d *Decoder, b []byte) {
	if len(t.run) > 0 && (t.runGBK != t.chinese || t.runTable != t.table) {
		t.endRun(d)
	}
	if !t.started {
		t.started = true
		t.first = t.style
		t.at = d.hostOff - 1
	}
	keep := min(len(b), max(MaxLineBytes-t.raw, 0))
	if keep > 0 {
		t.raw += keep
		t.runGBK, t.runTable = t.chinese, t.table
		t.run = append(t.run, b[:keep]...)
	}
	if keep < len(b) {
		if t.raw == MaxLineBytes {
			d.stats.Truncated++
		}
		t.raw = MaxLineBytes + 1
	}
}

// endRun decodes the current run into the line. Double-byte pairs re-align
// here: a run ends at every command and line end. A lead byte left at the
// end of a run (a pair split by a command) is joined with the next run only
// when that decodes with fewer bad bytes than dropping it; on a tie it is
// dropped (the real GBK sample needs that).
func (t *textState) endRun(d *Decoder) {
	if len(t.run) == 0 {
		return
	}
	if !t.runGBK {
		t.dropLead(d)
		var missing int
		mark := len(t.line)
		t.line, missing = appendSingle(t.line, t.run, t.runTable)
		d.stats.NoTable += missing
		t.run = t.run[:0]
		t.advance(d, mark)
		return
	}
	var (
		out      []byte
		bad      int
		dangling bool
	)
	mark := len(t.line)
	if t.hasLead {
		joined := append([]byte{t.lead}, t.run...)
		jOut, jBad, jDangling := appendDBCS(t.line, joined, d.ps.dbcs)
		jOut = append([]byte(nil), jOut[mark:]...)
		out, bad, dangling = appendDBCS(t.line[:mark], t.run, d.ps.dbcs)
		bad++ // the dropped lead
		if jBad < bad {
			out, bad, dangling = append(t.line[:mark], jOut...), jBad, jDangling
		}
		t.hasLead = false
	} else {
		out, bad, dangling = appendDBCS(t.line, t.run, d.ps.dbcs)
	}
	t.line = out
	d.stats.BadText += bad
	if dangling {
		t.lead, t.hasLead = t.run[len(t.run)-1], true
	}
	t.run = t.run[:0]
	t.advance(d, mark)
}

// dropLead counts and forgets a lead byte left by the last run.
func (t *textState) dropLead(d *Decoder) {
	if t.hasLead {
		d.stats.BadText++
		t.hasLead = false
	}
}

// hasVisible reports whether the line in progress holds visible text.
func (t *textState) hasVisible() bool {
	return len(bytes.TrimSpace(t.line)) > 0 || len(bytes.TrimSpace(t.run)) > 0
}

// endLine finishes the current line and adds it to the job. Card numbers
// printed in full are masked.
func (t *textState) endLine(d *Decoder) {
	t.endRun(d)
	t.dropLead(d)
	t.composeLine()
	text := t.line // without trailing blanks (bytes.TrimRight builds its cutset each call)
	for len(text) > 0 && (text[len(text)-1] == ' ' || text[len(text)-1] == '\t') {
		text = text[:len(text)-1]
	}
	if hasLongDigitRun(text) {
		drivers.MaskTextPANs(text) // in place: the line is done
	}
	var l drivers.Line
	if len(text) > 0 {
		s := t.first
		l.Bold, l.DoubleHeight, l.DoubleWidth = s.bold, s.doubleHeight, s.doubleWidth
		l.Underline, l.Inverse, l.Align = s.underline, s.inverse, s.align
	}
	at := t.at
	if !t.started {
		at = d.hostOff - 1
	}
	t.reset() // text stays readable until the next append to t.line
	d.addLine(l, text, at)
}

// flushLine ends a line in progress (page mode switches print it first).
func (t *textState) flushLine(d *Decoder) {
	if t.started || len(t.run) > 0 {
		t.endLine(d)
	}
}

// discardLine forgets the line in progress (CAN in page mode).
func (t *textState) discardLine(d *Decoder) {
	t.run = t.run[:0]
	t.hasLead = false
	t.reset()
}

func (t *textState) reset() {
	t.line = t.line[:0]
	t.raw = 0
	t.started = false
	t.x = 0
	t.marks = t.marks[:0]
	t.over, t.cells, t.padFirst = false, t.cells[:0], false
}
