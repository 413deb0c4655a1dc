package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/ocr"
	"github.com/tillwatch/tillwatch/drivers/receipt"
)

type decodeCmd struct {
	Escpos decodeEscposCmd `cmd:"" help:"Decode an ESC/POS print stream (host->printer bytes) to the receipt as printed."`
	Zvt    decodeZvtCmd    `cmd:"" help:"Decode ZVT bytes (serial frames or bare APDUs) to payments."`
	// Transbank and Template live in decode_terminals.go.
	Transbank decodeTransbankCmd `cmd:"" help:"Decode Transbank POS Integrado frames (STX ... ETX LRC) to payments and settlements."`
	Template  decodeTemplateCmd  `cmd:"" help:"Try a terminal template (-t NAME|FILE) on raw link bytes: payments, settlements, and what did not match."`
}

type decodeFlags struct {
	File string `arg:"" optional:"" default:"-" help:"Input file, or - for standard input."`
	JSON bool   `help:"Print events as JSON Lines instead of text."`
}

type decodeEscposCmd struct {
	decodeFlags
	Profile        string `default:"generic" help:"Receipt profile: a builtin name or a YAML file."`
	Printer        string `default:"epson" help:"Printer profile: code table numbering, double-byte set, Star Line Mode, clone commands (epson, epson-big5, epson-japan, epson-korea, xprinter, pos-5890, csn-a2, star-line)."`
	CodePage       string `help:"Power-on code table, overriding the printer profile's: cp437, cp850, cp858, cp866, cp1252, ..."`
	ChineseDefault bool   `help:"The printer powers up in Chinese (GBK) mode."`
	DotsPerInch    int    `help:"The print head's dots per inch, for positions in GS P motion units (devices[].dots_per_inch): 180 (Epson TM-T88, TM-U, Star), 203; 0: the printer profile's (203)."`
	Width          int    `default:"48" help:"Paper width in Font A columns (48: 80 mm, 32: 58 mm): lines wrap where the printer wraps them, centred and right-aligned lines are placed (0: neither)."`
	Glyphs         string `help:"Glyph dictionary (tillwatch profile learn) that reads receipts a driver printed as images."`
	OCR            string `default:"auto" enum:"auto,tesseract,none" help:"Tesseract for printed images: auto (when installed: alone, or for the lines the glyph dictionary cannot read), tesseract (required) or none."`
}

func (c *decodeEscposCmd) Run(e *env) error {
	prof, err := receipt.Builtin(c.Profile)
	if err != nil {
		if prof, err = receipt.Load(c.Profile); err != nil {
			return usageError{err}
		}
	}
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
	opts := escpos.Options{Printer: printer, CodePage: c.CodePage, ChineseDefault: c.ChineseDefault, Fields: prof, Detail: true, Recognizer: rec, PaperDots: c.Width * 12}
	if err := opts.Validate(); err != nil {
		return usageError{err}
	}
	data, err := c.read(e)
	if err != nil {
		return err
	}
	if data, err = printerStream(data, c.File); err != nil {
		return usageError{fmt.Errorf("decode: %w", err)}
	}
	dec := escpos.New(opts)
	t0 := time.Unix(0, 0).UTC()
	evs := dec.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromHost, Data: data})
	evs = append(evs, dec.FlushAll()...)
	return printEscpos(e.stdout, dec, evs, c.JSON, c.Width)
}

// printEscpos prints each receipt with its items (text or JSON Lines), the
// other events, and with --json the decoder's counters last.
func printEscpos(w io.Writer, dec *escpos.Decoder, evs []drivers.Event, asJSON bool, width int) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	n := 0
	for _, det := range dec.TakeDetails() {
		if asJSON {
			rec := map[string]any{"type": "items", "items": det.Items}
			if det.Receipt != nil {
				rec = map[string]any{"type": "receipt", "event": det.Receipt, "items": det.Items}
			}
			if err := enc.Encode(rec); err != nil {
				return err
			}
			continue
		}
		head := "=== between receipts ===\n"
		if det.Receipt != nil {
			n++
			head = fmt.Sprintf("=== receipt %d ===\n", n)
		}
		if _, err := io.WriteString(w, head+escpos.RenderDetail(det, width)); err != nil {
			return err
		}
	}
	for _, ev := range evs {
		if _, ok := ev.(*drivers.Receipt); ok {
			continue
		}
		var err error
		if asJSON {
			err = enc.Encode(map[string]any{"type": ev.EventType(), "event": ev})
		} else {
			_, err = io.WriteString(w, eventText(ev, "%02X"))
		}
		if err != nil {
			return err
		}
	}
	if asJSON {
		return enc.Encode(map[string]any{"type": "stats", "stats": dec.Stats()})
	}
	st := dec.Stats()
	_, err := fmt.Fprintf(w, "=== %d receipt(s), %d bytes, %d unknown command(s), %d undecodable text byte(s), %d truncated\n",
		st.Jobs, st.HostBytes, st.Unknown, st.BadText+st.NoTable, st.Truncated)
	return err
}

// read returns the whole input: the file, or standard input for "-".
func (f *decodeFlags) read(e *env) ([]byte, error) {
	var in io.Reader = e.stdin
	if f.File != "-" {
		file, err := os.Open(f.File)
		if err != nil {
			return nil, usageError{fmt.Errorf("decode: %w", err)}
		}
		defer file.Close()
		in = file
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, fmt.Errorf("decode: read %s: %w", f.File, err)
	}
	return data, nil
}
