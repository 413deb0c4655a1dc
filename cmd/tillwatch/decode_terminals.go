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

func (c *decodeTransbankCmd) Run(e *env) error {
	dec := transbank.New(transbank.Options{Model: c.Model, Currency: c.Currency})
	if err := c.decode(e, dec, terminalFrom(c.From), nil); err != nil {
		return err
	}
	st := dec.Stats()
	fmt.Fprintf(e.stderr, "transbank: %d frames, %d events, %d intermediate, %d LRC errors (%d with the STX form), %d framing errors, %d undecodable",
		st.Frames, st.Events, st.Intermediate, st.LRCErrors, st.LRCWithSTX, st.FramingErrors, st.DecodeErrors)
	return lastError(e, st.LastError)
}

type decodeTemplateCmd struct {
	decodeFlags
	Template string `short:"t" required:"" placeholder:"NAME|FILE" help:"A shipped template (linelog, mispos) or the path of a YAML template."`
	From     string `default:"device" enum:"host,device" help:"Direction of the bytes: device (terminal->register) or host (register->terminal)."`
}

func (c *decodeTemplateCmd) Run(e *env) error {
	t, err := template.Load(c.Template)
	if err != nil {
		return usageError{err}
	}
	dec := template.New(t)
	if err := c.decode(e, dec, terminalFrom(c.From), nil); err != nil {
		return err
	}
	st := dec.Stats()
	fmt.Fprintf(e.stderr, "template %s: %d frames, %d events, %d unmatched, %d LRC errors, %d framing errors, %d undecodable, %d incomplete",
		t.Name, st.Frames, st.Events, st.Unmatched, st.LRCErrors, st.FramingErrors, st.DecodeErrors, st.Incomplete)
	return lastError(e, st.LastError)
}

// lastError ends the summary line with the decoder's last error, if any
// (it never carries card data).
func lastError(e *env, err error) error {
	if err != nil {
		fmt.Fprintf(e.stderr, "; last error: %v", err)
	}
	fmt.Fprintln(e.stderr)
	return nil
}
