package main

import (
	"fmt"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/template"
	"github.com/tillwatch/tillwatch/drivers/transbank"
)

// terminalFrom maps --from to a direction.
func terminalFrom(from string) drivers.Direction {
	if from == "host" {
		return drivers.FromHost
	}
	return drivers.FromDevice
}

type decodeTransbankCmd struct {
	decodeFlags
	From     string `default:"device" enum:"host,device" help:"Direction of the bytes: device (terminal->register) or host (register->terminal)."`
	Model    string `default:"auto" enum:"auto,integrado,autoservicio" help:"0210 field layout: integrado (countertop), autoservicio (unattended) or auto."`
	Currency string `default:"CLP" help:"ISO 4217 alpha code of the amounts."`
}

// Run prints the payments and settlements in words (--json: JSON Lines),
// then a summary line on stderr.
func (c *decodeTransbankCmd) Run(e *env) error {
	dec := transbank.New(transbank.Options{Model: c.Model, Currency: c.Currency})
	p, err := c.decodeEvents(e, dec, terminalFrom(c.From))
	if err != nil {
		return err
	}
	st := dec.Stats()
	return summary(e, fmt.Sprintf("transbank: %d frame(s), %s; %d intermediate status, %d retransmission(s), %d LRC error(s) (%d with the STX form), %d framing error(s), %d undecodable, %d incomplete",
		st.Frames, p.counts(), st.Intermediate, st.Retransmits, st.LRCErrors, st.LRCWithSTX, st.FramingErrors, st.DecodeErrors, st.Incomplete), st.LastError)
}

type decodeTemplateCmd struct {
	decodeFlags
	Template string `short:"t" required:"" placeholder:"NAME|FILE" help:"A shipped template (linelog, mispos) or the path of a YAML template."`
	From     string `default:"device" enum:"host,device" help:"Direction of the bytes: device (terminal->register) or host (register->terminal)."`
}

// Run prints the payments and settlements in words (--json: JSON Lines),
// then a summary line on stderr with what the template did not match.
func (c *decodeTemplateCmd) Run(e *env) error {
	t, err := template.Load(c.Template)
	if err != nil {
		return usageError{err}
	}
	dec := template.New(t)
	p, err := c.decodeEvents(e, dec, terminalFrom(c.From))
	if err != nil {
		return err
	}
	st := dec.Stats()
	return summary(e, fmt.Sprintf("template %s: %d frame(s), %s; %d unmatched, %d LRC error(s), %d framing error(s), %d undecodable, %d incomplete",
		t.Name, st.Frames, p.counts(), st.Unmatched, st.LRCErrors, st.FramingErrors, st.DecodeErrors, st.Incomplete), st.LastError)
}
