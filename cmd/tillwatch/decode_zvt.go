package main

import (
	"fmt"
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
	p := newEventPrinter(e.stdout, c.JSON, "%02X") // ZVT result codes are bytes
	if err := printZvt(p, msgs, rest); err != nil {
		return err
	}
	return zvtSummary(e, p, dec.Stats(), len(msgs), dir, guessed || c.From != "auto")
}

// printZvt prints the messages with their events, then what only the end
// of the input completed.
func printZvt(p *eventPrinter, msgs []zvt.Message, rest []drivers.Event) error {
	for _, m := range msgs {
		if p.asJSON {
			rec := apduRecord{Type: "apdu", Dir: sender(m.Dir), Offset: m.Offset,
				Command: fmt.Sprintf("%02X %02X", m.Command>>8, m.Command&0xFF), Name: m.Name, Text: m.Text, Length: m.Len}
			if m.Err != nil {
				rec.Error = m.Err.Error()
			}
			if err := p.enc.Encode(rec); err != nil {
				return err
			}
		} else if _, err := fmt.Fprintf(p.w, "%-7s @%-5d %s\n", sender(m.Dir), m.Offset, m); err != nil {
			return err
		}
		if err := p.events(m.Events, "    => ", "       "); err != nil {
			return err
		}
	}
	if len(rest) > 0 && !p.asJSON {
		if _, err := fmt.Fprintln(p.w, "at the end of the input:"); err != nil {
			return err
		}
	}
	return p.events(rest, "    => ", "       ")
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

// sender names a direction as ZVT people do.
func sender(d drivers.Direction) string {
	if d == drivers.FromHost {
		return "ECR->PT"
	}
	return "PT->ECR"
}

// zvtSummary writes one line: what was decoded, and how the direction was
// chosen when it was not given or found.
func zvtSummary(e *env, p *eventPrinter, st zvt.Stats, apdus int, dir drivers.Direction, known bool) error {
	framing := st.Framing
	if framing == "" {
		framing = "undecided"
	}
	head := fmt.Sprintf("zvt: %d APDU(s) (%s framing, sent %s), %s, %d slip(s); %d CRC error(s), %d framing error(s), %d undecodable, %d incomplete",
		apdus, framing, sender(dir), p.counts(), p.kinds["receipt"], st.CRCErrors, st.FramingErrors, st.DecodeErrors, st.Incomplete)
	if !known {
		head += "; the first command does not tell who sent it: pass --from host or --from device"
	}
	return summary(e, head, st.LastError)
}
