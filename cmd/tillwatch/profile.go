package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/money"
	"github.com/tillwatch/tillwatch/drivers/ocr"
	"github.com/tillwatch/tillwatch/drivers/receipt"
)

type profileCmd struct {
	Test profileTestCmd `cmd:"" help:"Show which receipt field a profile finds on which line of a receipt (ESC/POS bytes or plain text)."`
	List profileListCmd `cmd:"" help:"List the built-in receipt and printer profiles."`
	// Learn lives in learn.go.
	Learn profileLearnCmd `cmd:"" help:"Teach a glyph dictionary a printer driver's font from receipts printed as images whose text you know, for raster lanes."`
}

type profileTestCmd struct {
	Profile        string `arg:"" help:"Receipt profile: a builtin name (tillwatch profile list) or a YAML file."`
	File           string `arg:"" default:"-" help:"A receipt: ESC/POS bytes (as captured or printed to a file) or plain UTF-8 text, one printed line per line; - for standard input."`
	Format         string `default:"auto" enum:"auto,escpos,text" help:"Input format: auto (ESC/POS when the file holds ESC, GS or FS bytes or is not UTF-8), escpos or text."`
	Printer        string `default:"epson" help:"Printer profile for ESC/POS input."`
	CodePage       string `help:"Power-on code table for ESC/POS input, overriding the printer profile's."`
	ChineseDefault bool   `help:"The printer powers up in Chinese (GBK) mode (raw GBK with no FS &)."`
	DotsPerInch    int    `help:"The print head's dots per inch, for positions in GS P motion units (devices[].dots_per_inch): 180 (Epson TM-T88, TM-U, Star), 203; 0: the printer profile's (203)."`
	JSON           bool   `help:"Print the findings as JSON Lines, one object per receipt."`
	Glyphs         string `help:"Glyph dictionary (profile learn) for receipts a driver printed as images."`
	OCR            string `default:"auto" enum:"auto,tesseract,none" help:"Tesseract for printed images: auto, tesseract or none (see decode escpos)."`
}

func (c *profileTestCmd) Run(e *env) error {
	prof, err := receipt.Builtin(c.Profile)
	if err != nil {
		if prof, err = receipt.Load(c.Profile); err != nil {
			return usageError{fmt.Errorf("profile: %w", err)}
		}
	}
	data, err := (&decodeFlags{File: c.File}).read(e)
	if err != nil {
		return err
	}
	if data, err = printerStream(data, c.File); err != nil {
		return usageError{fmt.Errorf("profile: %w", err)}
	}
	format := c.Format
	if format == "auto" {
		format = "text"
		if bytes.ContainsAny(data, "\x1b\x1d\x1c") || !utf8.Valid(data) {
			format = "escpos"
		}
	}
	var rs []*drivers.Receipt
	if format == "text" {
		r := &drivers.Receipt{}
		for _, l := range strings.Split(strings.TrimRight(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"), "\n") {
			r.Lines = append(r.Lines, drivers.Line{Text: strings.TrimRight(l, " \t")})
		}
		rs = append(rs, r)
	} else {
		printer, err := escpos.PrinterByName(c.Printer)
		if err != nil {
			return usageError{err}
		}
		if c.DotsPerInch != 0 {
			printer.DotsPerInch = c.DotsPerInch // checked with the options
		}
		rec, err := ocr.Open(c.Glyphs, c.OCR)
		if err != nil {
			return usageError{err}
		}
		// Fields: the decoder extracts them as the lane does, leaving out
		// the amounts of lines read without confidence.
		opts := escpos.Options{Printer: printer, CodePage: c.CodePage, ChineseDefault: c.ChineseDefault, Recognizer: rec, Fields: prof}
		if err := opts.Validate(); err != nil {
			return usageError{err}
		}
		dec := escpos.New(opts)
		evs := dec.Feed(drivers.Chunk{Time: time.Unix(0, 0).UTC(), Data: data})
		for _, ev := range append(evs, dec.FlushAll()...) {
			if r, ok := ev.(*drivers.Receipt); ok {
				rs = append(rs, r)
			}
		}
	}
	if len(rs) == 0 {
		return fmt.Errorf("profile: %s: no receipt with text in %d bytes (%s)", c.File, len(data), format)
	}
	for i, r := range rs {
		lane := *r // the fields as the lane reads them; Explain reads every line
		ex := prof.Explain(r)
		if r.Recognised != nil {
			keepLaneFields(r, &lane, &ex)
		}
		if c.JSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(map[string]any{"receipt": i + 1, "format": format, "profile": prof.Name, "fields": r, "explanation": ex}); err != nil {
				return err
			}
			continue
		}
		if err := printExplanation(e.stdout, i+1, len(rs), format, prof.Name, r, ex); err != nil {
			return err
		}
	}
	return nil
}

// keepLaneFields puts back the fields a receipt recognised from a printed
// image gets on the lane (lane, from the decoder): an amount on a line
// read without confidence is not used there, so the findings that gave
// it are not marked kept.
func keepLaneFields(r, lane *drivers.Receipt, ex *receipt.Explanation) {
	*r = *lane
	for i, f := range ex.Findings {
		switch {
		case f.Field == "total" && r.Total == nil, f.Field == "due" && r.Due == nil,
			f.Field == "change" && r.Change == nil, strings.HasPrefix(f.Field, "tender:") && len(r.Tenders) == 0:
			ex.Findings[i].Used = false
		}
	}
}

// printExplanation prints one receipt's findings as a table a technician
// reads: line, field, label, value, the line's text; then the fields the
// receipt ends up with and the amounts no label claimed.
func printExplanation(w io.Writer, n, of int, format, profile string, r *drivers.Receipt, ex receipt.Explanation) error {
	var b strings.Builder
	fmt.Fprintf(&b, "receipt %d of %d (%s, %d lines), profile %s\n", n, of, format, len(r.Lines), profile)
	unsure := 0
	if g := r.Recognised; g != nil {
		fmt.Fprintf(&b, "recognised from the printed image by %s: %d line(s), %d glyph(s), %d unknown, lowest confidence %.2f\n",
			g.Engine, g.Lines, g.Glyphs, g.Unknown, g.Confidence)
		for _, l := range r.Lines {
			if escpos.ReadUnsure(l) {
				unsure++
			}
		}
		if g.AmountsUnsure {
			b.WriteString("AMOUNTS UNSURE: the amounts of lines read with low confidence (?) are not used\n")
		}
	}
	fmt.Fprintf(&b, "%5s  %-14s %-14s %-20s %s\n", "line", "field", "label", "value", "text")
	for _, f := range ex.Findings {
		mark := " "
		switch {
		case f.Used:
			mark = "*"
		case escpos.ReadUnsure(r.Lines[f.Line-1]):
			mark = "?"
		}
		v := f.Value
		if v == "" {
			v = "-"
		}
		fmt.Fprintf(&b, "%4d%s  %-14s %-14s %-20s %s\n", f.Line, mark, f.Field, f.Label, v, strings.TrimSpace(f.Text))
	}
	if unsure > 0 {
		fmt.Fprintf(&b, "(* = kept in the receipt, ? = read with low confidence: %d line(s))\n", unsure)
	} else {
		b.WriteString("(* = kept in the receipt)\n")
	}
	fmt.Fprintf(&b, "fields: %s\n", fieldSummary(r))
	if len(ex.Unclaimed) > 0 {
		b.WriteString("amounts no label claimed (item lines, or a label the profile lacks):\n")
		for _, i := range ex.Unclaimed {
			mark := " "
			if escpos.ReadUnsure(r.Lines[i-1]) {
				mark = "?"
			}
			fmt.Fprintf(&b, "%4d%s  %s\n", i, mark, strings.TrimSpace(r.Lines[i-1].Text))
		}
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

func fieldSummary(r *drivers.Receipt) string {
	amount := func(v *int64) string {
		if v == nil {
			return "-"
		}
		return money.Number(*v, r.Currency)
	}
	var ts []string
	for _, t := range r.Tenders {
		ts = append(ts, fmt.Sprintf("%s %s (%s)", t.Kind, money.Number(t.Amount, r.Currency), t.Label))
	}
	tenders := "-"
	if len(ts) > 0 {
		tenders = strings.Join(ts, ", ")
	}
	num := r.Number
	if num == "" {
		num = "-"
	}
	return fmt.Sprintf("number %s, total %s, due %s, tenders %s, change %s, reprint %v", num, amount(r.Total), amount(r.Due), tenders, amount(r.Change), r.Reprint)
}

type profileListCmd struct{}

func (profileListCmd) Run(e *env) error {
	_, err := fmt.Fprintf(e.stdout, "receipt profiles: %s\nprinter profiles: %s\n",
		strings.Join(receipt.BuiltinNames(), ", "), strings.Join(escpos.PrinterNames(), ", "))
	return err
}
