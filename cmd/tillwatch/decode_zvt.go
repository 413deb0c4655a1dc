package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/zvt"
)

type decodeZvtCmd struct {
	decodeFlags
	From     string `default:"auto" enum:"auto,host,device" help:"Who sent the bytes: device (terminal->register), host (register->terminal), or auto (from the first command)."`
	Framing  string `default:"auto" enum:"auto,serial,tcp" help:"Serial frames (DLE STX), bare APDUs (tcp) or auto."`
	Currency string `placeholder:"EUR" help:"ISO 4217 alpha code of amounts whose message names no currency."`
}

// Run prints every APDU in words (offset, sender, command, fields) with
// the payments, settlements and slips it completed, then a summary line on
// stderr. A capture of a single message (a register command, an
// acknowledgement, a status that moved no money) shows that message.
func (c *decodeZvtCmd) Run(e *env) error {
	opts := zvt.Options{Framing: c.Framing, Currency: c.Currency, Messages: true}
	if err := opts.Validate(); err != nil {
		return usageError{err}
	}
	data, err := c.read(e)
	if err != nil {
		return err
	}
	dir, guessed := drivers.FromDevice, false
	switch c.From {
	case "host":
		dir = drivers.FromHost
	case "auto":
		if d, ok := zvt.GuessDirection(data); ok {
			dir, guessed = d, true
		}
	}
	dec := zvt.New(opts)
	var t0 time.Time // the input carries no times: events have none
	dec.Feed(drivers.Chunk{Time: t0, Dir: dir, Data: data})
	msgs := dec.TakeMessages()
	rest := dec.Flush(t0)
	if err := printZvt(e.stdout, msgs, rest, c.JSON); err != nil {
		return err
	}
	return zvtSummary(e, dec.Stats(), msgs, rest, dir, guessed || c.From != "auto")
}

// printZvt prints the messages with their events, then what only the end
// of the input completed.
func printZvt(w io.Writer, msgs []zvt.Message, rest []drivers.Event, asJSON bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, m := range msgs {
		if asJSON {
			rec := apduRecord{Type: "apdu", Dir: sender(m.Dir), Offset: m.Offset,
				Command: fmt.Sprintf("%02X %02X", m.Command>>8, m.Command&0xFF), Name: m.Name, Text: m.Text, Length: m.Len}
			if m.Err != nil {
				rec.Error = m.Err.Error()
			}
			if err := enc.Encode(rec); err != nil {
				return err
			}
		} else if _, err := fmt.Fprintf(w, "%-7s @%-5d %s\n", sender(m.Dir), m.Offset, m); err != nil {
			return err
		}
		if err := printEvents(w, enc, m.Events, asJSON); err != nil {
			return err
		}
	}
	if len(rest) > 0 && !asJSON {
		if _, err := fmt.Fprintln(w, "at the end of the input:"); err != nil {
			return err
		}
	}
	return printEvents(w, enc, rest, asJSON)
}

// apduRecord is one APDU in --json output.
type apduRecord struct {
	Type    string `json:"type"` // "apdu"
	Dir     string `json:"dir"`  // "ECR->PT" or "PT->ECR"
	Offset  int    `json:"offset"`
	Command string `json:"command"` // "04 0F"
	Name    string `json:"name,omitempty"`
	Text    string `json:"text,omitempty"`
	Length  int    `json:"length"`
	Error   string `json:"error,omitempty"`
}

// printEvents prints events in words (indented under their message) or as
// JSON Lines.
func printEvents(w io.Writer, enc *json.Encoder, evs []drivers.Event, asJSON bool) error {
	for _, ev := range evs {
		var err error
		if asJSON {
			err = encodeEvent(enc, ev)
		} else {
			_, err = io.WriteString(w, indent(eventText(ev), "    => ", "       "))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sender names a direction as ZVT people do.
func sender(d drivers.Direction) string {
	if d == drivers.FromHost {
		return "ECR->PT"
	}
	return "PT->ECR"
}

// zvtSummary writes one line: what was decoded, and how the direction was
// chosen when it was not given or found.
func zvtSummary(e *env, st zvt.Stats, msgs []zvt.Message, rest []drivers.Event, dir drivers.Direction, known bool) error {
	kinds := map[string]int{}
	for _, m := range msgs {
		for _, ev := range m.Events {
			kinds[ev.EventType()]++
		}
	}
	for _, ev := range rest {
		kinds[ev.EventType()]++
	}
	framing := st.Framing
	if framing == "" {
		framing = "undecided"
	}
	fmt.Fprintf(e.stderr, "zvt: %d APDU(s) (%s framing, sent %s), %d payment(s), %d settlement(s), %d slip(s); %d CRC error(s), %d framing error(s), %d undecodable, %d incomplete",
		len(msgs), framing, sender(dir), kinds["payment"], kinds["settlement"], kinds["receipt"], st.CRCErrors, st.FramingErrors, st.DecodeErrors, st.Incomplete)
	if !known {
		fmt.Fprint(e.stderr, "; the first command does not tell who sent it: pass --from host or --from device")
	}
	return lastError(e, st.LastError)
}
