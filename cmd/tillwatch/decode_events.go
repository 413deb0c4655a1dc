package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// eventPrinter is the one renderer of the terminal decode verbs (zvt,
// transbank, template): events in words (eventText) or as JSON Lines
// (encodeEvent), never with a time the input did not give, counted by
// type for the summary line.
type eventPrinter struct {
	w      io.Writer
	enc    *json.Encoder
	asJSON bool
	code   string         // result code format (eventText)
	kinds  map[string]int // events printed, by EventType
}

// newEventPrinter prints to w; code is the protocol's result code format
// (eventText).
func newEventPrinter(w io.Writer, asJSON bool, code string) *eventPrinter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &eventPrinter{w: w, enc: enc, asJSON: asJSON, code: code, kinds: map[string]int{}}
}

// events prints evs. In words, an event's first line starts with first
// and its further lines (a slip's) with more.
func (p *eventPrinter) events(evs []drivers.Event, first, more string) error {
	for _, ev := range evs {
		p.kinds[ev.EventType()]++
		var err error
		if p.asJSON {
			err = encodeEvent(p.enc, ev)
		} else {
			_, err = io.WriteString(p.w, indent(eventText(ev, p.code), first, more))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// counts is "N payment(s), N settlement(s)" of the events printed so far.
func (p *eventPrinter) counts() string {
	return fmt.Sprintf("%d payment(s), %d settlement(s)", p.kinds["payment"], p.kinds["settlement"])
}

// summary writes a decode verb's one line on stderr: what it decoded and
// the decoder's counters (head), then the decoder's last error, if any
// (decoders' errors never carry card data).
func summary(e *env, head string, last error) error {
	if last != nil {
		head += fmt.Sprintf("; last error: %v", last)
	}
	_, err := fmt.Fprintln(e.stderr, head)
	return err
}

// decodeEvents feeds the whole input to dec as one chunk sent in
// direction dir, flushes, and prints the events (result codes in decimal).
// The input carries no times, so the events have none.
func (f *decodeFlags) decodeEvents(e *env, dec drivers.Decoder, dir drivers.Direction) (*eventPrinter, error) {
	data, err := f.read(e)
	if err != nil {
		return nil, err
	}
	var t0 time.Time
	evs := dec.Feed(drivers.Chunk{Time: t0, Dir: dir, Data: data})
	evs = append(evs, dec.Flush(t0)...)
	p := newEventPrinter(e.stdout, f.JSON, "%02d")
	return p, p.events(evs, "", "  ")
}
