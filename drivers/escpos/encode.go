package escpos

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers"
)

// Encoder writes print jobs (a receipt copy) for one printer, with the
// same printer profile the decoder reads it with: its power-on code table
// and mode, the tables its ESC t numbers select, its double-byte set and
// Star Line Mode. Text the decoder reads back is the text written, for
// every character the printer can print. Build it with NewEncoder; it is
// read-only afterwards and safe for concurrent use.
type Encoder struct {
	ps *printerSetup
	// numbers lists the ESC t numbers of mapped tables, ascending.
	numbers []byte
}

// NewEncoder returns the encoder of the printer opts describes (Printer,
// CodePage, ChineseDefault, StarLineMode, as for New). Unlike the decoder,
// it refuses a profile or code page it cannot honour.
func NewEncoder(opts Options) (*Encoder, error) {
	if p := opts.Printer; p != nil {
		if err := p.Validate(); err != nil {
			return nil, err
		}
	}
	if _, ok := codePageByName(opts.CodePage); !ok {
		return nil, fmt.Errorf("escpos: unknown code page %q (want one of %s)", opts.CodePage, strings.Join(CodePages(), ", "))
	}
	e := &Encoder{ps: setup(opts)}
	for n, t := range e.ps.tables {
		if !t.missing {
			e.numbers = append(e.numbers, n)
		}
	}
	slices.Sort(e.numbers)
	return e, nil
}

// Encodes reports whether every character of s prints on this printer
// (in one code table or in its double-byte set).
func (e *Encoder) Encodes(s string) bool {
	return e.dbcsCovers(s) == utf8.RuneCountInString(s) || e.bestTable(s, e.ps.init).covered == utf8.RuneCountInString(s)
}

// Job returns a complete print job of lines: ESC @, each line with its
// style (bold, double height and width, underline, inverse, alignment),
// a feed and a partial cut. A line whose characters the current code
// table lacks switches to a table that has them (ESC t n, ESC GS t n in
// Star Line Mode) or to double-byte mode (FS &, FS . to leave it);
// characters the printer cannot print at all become '?'. Control
// characters inside a line are dropped.
func (e *Encoder) Job(lines []drivers.Line) []byte {
	var b bytes.Buffer
	b.Write([]byte{esc, '@'})
	st := encState{table: e.ps.init, dbcs: e.ps.chinese}
	for _, l := range lines {
		text := strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7F {
				return -1
			}
			return r
		}, l.Text)
		e.style(&b, l)
		e.text(&b, &st, text)
		b.WriteByte('\n')
	}
	e.style(&b, drivers.Line{})
	if e.ps.star {
		b.Write([]byte{esc, 'a', 4, esc, 'd', 3}) // feed 4 lines, partial cut
	} else {
		b.Write([]byte{esc, 'd', 4, gs, 'V', 1}) // feed 4, partial cut
	}
	return b.Bytes()
}

// encState is the printer's text state while a job is written.
type encState struct {
	table *codeTable
	dbcs  bool // double-byte (Chinese/Kanji) mode on
}

// text writes one line's text, switching mode or table first when the
// line needs it.
func (e *Encoder) text(b *bytes.Buffer, st *encState, s string) {
	n := utf8.RuneCountInString(s)
	ascii := true
	for i := range len(s) {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii { // prints the same in every table and mode
		b.WriteString(s)
		return
	}
	single := e.bestTable(s, st.table)
	if d := e.dbcsCovers(s); d > single.covered || d == n && st.dbcs {
		if !st.dbcs {
			b.Write([]byte{fs, '&'})
			st.dbcs = true
		}
		b.Write(e.encodeDBCS(s))
		return
	}
	if st.dbcs {
		b.Write([]byte{fs, '.'})
		st.dbcs = false
	}
	if single.table != st.table {
		if e.ps.star {
			b.Write([]byte{esc, gs, 't', single.n})
		} else {
			b.Write([]byte{esc, 't', single.n})
		}
		st.table = single.table
	}
	for _, r := range s {
		c, ok := st.table.byteOf(r)
		if !ok {
			c = '?'
		}
		b.WriteByte(c)
	}
}

// choice is a code table for a line and how many of its characters it has.
type choice struct {
	table   *codeTable
	n       byte
	covered int
}

// bestTable picks the table that prints most characters of s: the
// current one when none does better, else the lowest ESC t number.
func (e *Encoder) bestTable(s string, current *codeTable) choice {
	best := choice{table: current, covered: current.covers(s)}
	for _, n := range e.numbers {
		t := e.ps.tables[n]
		if c := t.covers(s); c > best.covered {
			best = choice{table: t, n: n, covered: c}
		}
	}
	return best
}

// covers counts the characters of s the table prints.
func (t *codeTable) covers(s string) int {
	n := 0
	for _, r := range s {
		if _, ok := t.byteOf(r); ok {
			n++
		}
	}
	return n
}

// byteOf returns the byte that prints r in the table.
func (t *codeTable) byteOf(r rune) (byte, bool) {
	if r < 0x7F {
		return byte(r), r >= 0x20
	}
	if t.missing || r == utf8.RuneError {
		return 0, false
	}
	for c := 0x80; c < 0x100; c++ {
		if t.runes[c] == r {
			return byte(c), true
		}
	}
	return 0, false
}

// dbcsReverse maps a double-byte set's characters back to their bytes;
// built once per set from the decoder's table, so what is written reads
// back the same.
var dbcsReverse sync.Map // name -> func() map[rune][]byte

func (e *Encoder) reverse() map[rune][]byte {
	t := e.ps.dbcs
	f, _ := dbcsReverse.LoadOrStore(t.name, sync.OnceValue(func() map[rune][]byte {
		m := make(map[rune][]byte, len(t.pairs))
		for i, r := range t.pairs {
			if r != 0 {
				if _, dup := m[r]; !dup {
					m[r] = []byte{byte(0x81 + i/191), byte(0x40 + i%191)}
				}
			}
		}
		for i, r := range t.single {
			if r != 0 {
				m[r] = []byte{byte(0x80 + i)}
			}
		}
		return m
	}))
	return f.(func() map[rune][]byte)()
}

// dbcsCovers counts the characters of s double-byte mode prints.
func (e *Encoder) dbcsCovers(s string) int {
	m, n := e.reverse(), 0
	for _, r := range s {
		if _, ok := m[r]; ok || r >= 0x20 && r < 0x7F {
			n++
		}
	}
	return n
}

// encodeDBCS writes s in double-byte mode; a character the set lacks
// prints as '?'.
func (e *Encoder) encodeDBCS(s string) []byte {
	m := e.reverse()
	out := make([]byte, 0, 2*len(s))
	for _, r := range s {
		switch bs, ok := m[r]; {
		case r >= 0x20 && r < 0x7F:
			out = append(out, byte(r))
		case ok:
			out = append(out, bs...)
		default:
			out = append(out, '?')
		}
	}
	return out
}

// style sets a line's print mode, alignment and inverse: ESC ! n, ESC a n
// and GS B n; in Star Line Mode ESC E/F, ESC - n, ESC GS a n and ESC 4/5
// (Star keeps no double size the decoder reads; it expands with ESC i).
func (e *Encoder) style(b *bytes.Buffer, l drivers.Line) {
	var align byte
	switch l.Align {
	case "center":
		align = 1
	case "right":
		align = 2
	}
	if e.ps.star {
		bold, inv, under := byte('F'), byte('5'), byte(0)
		if l.Bold {
			bold = 'E'
		}
		if l.Inverse {
			inv = '4'
		}
		if l.Underline {
			under = 1
		}
		var h, w byte
		if l.DoubleHeight {
			h = 1
		}
		if l.DoubleWidth {
			w = 1
		}
		b.Write([]byte{esc, bold, esc, '-', under, esc, 'i', h, w, esc, gs, 'a', align, esc, inv})
		return
	}
	var mode byte
	if l.Bold {
		mode |= 0x08
	}
	if l.DoubleHeight {
		mode |= 0x10
	}
	if l.DoubleWidth {
		mode |= 0x20
	}
	if l.Underline {
		mode |= 0x80
	}
	var inv byte
	if l.Inverse {
		inv = 1
	}
	b.Write([]byte{esc, '!', mode, esc, 'a', align, gs, 'B', inv})
}
