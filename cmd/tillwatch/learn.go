package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/drivers/tesseract"
)

type profileLearnCmd struct {
	Glyphs    string   `required:"" help:"Glyph dictionary file to create or add to (one per driver and font; copy it to lanes with the same driver)."`
	Receipts  []string `arg:"" help:"Receipts the driver printed as images (ESC/POS bytes, e.g. from tillwatch capture or a print-to-file port). The text of RECEIPT.bin is read from RECEIPT.txt beside it: one printed line per line, as on the paper."`
	OCR       bool     `help:"For a receipt with no .txt, let Tesseract read it and write RECEIPT.ocr.txt for you to check and rename to RECEIPT.txt (nothing is learned from it until then)."`
	AcceptOCR bool     `name:"accept-ocr" help:"Learn from Tesseract's reading without a check (faster, riskier: its mistakes become the dictionary's)."`
	Printer   string   `default:"epson" help:"Printer profile of the receipts."`
}

func (c *profileLearnCmd) Run(e *env) error {
	printer, err := escpos.PrinterByName(c.Printer)
	if err != nil {
		return usageError{err}
	}
	d := glyphs.New(filepath.Base(c.Glyphs))
	if _, err := os.Stat(c.Glyphs); err == nil {
		if d, err = glyphs.Open(c.Glyphs); err != nil {
			return usageError{err}
		}
	}
	var tess *tesseract.Tesseract
	if c.OCR || c.AcceptOCR {
		if tess, err = tesseract.Find(""); err != nil {
			return usageError{fmt.Errorf("profile learn: %w", err)}
		}
	}
	var samples []glyphs.Sample
	drafts := 0
	w := e.stdout
	for _, path := range c.Receipts {
		data, err := os.ReadFile(path)
		if err != nil {
			return usageError{fmt.Errorf("profile learn: %w", err)}
		}
		if data, err = printerStream(data, path); err != nil {
			return usageError{fmt.Errorf("profile learn: %w", err)}
		}
		imgs := pageImages(data, printer)
		if len(imgs) == 0 {
			fmt.Fprintf(w, "%s: no printed image in %d bytes: nothing to learn (a receipt printed as text needs no dictionary)\n", path, len(data))
			continue
		}
		txtPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".txt"
		text, err := os.ReadFile(txtPath)
		switch {
		case err == nil:
		case errors.Is(err, os.ErrNotExist) && tess != nil:
			var lines []string
			for _, img := range imgs {
				for _, l := range tess.Recognize(img).Lines {
					// a number read with a look-alike (1 as l) or
					// an unknown glyph is masked too
					lines = append(lines, drivers.MaskOCRPANs(l.Text))
				}
			}
			// A card number printed as an image must not reach the draft
			// file or the screen in full: masked here, and glyphs.Learn
			// skips a line holding a masked number.
			seed := []byte(strings.Join(lines, "\n") + "\n")
			drivers.MaskTextPANs(seed)
			if !c.AcceptOCR {
				ocrPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".ocr.txt"
				if err := os.WriteFile(ocrPath, seed, 0o600); err != nil {
					return fmt.Errorf("profile learn: %w", err)
				}
				fmt.Fprintf(w, "%s: Tesseract's reading is in %s: check it line by line against the paper, fix it, rename it to %s and run learn again\n", path, ocrPath, filepath.Base(txtPath))
				drafts++
				continue
			}
			fmt.Fprintf(w, "%s: learning from Tesseract's reading (--accept-ocr):\n%s", path, seed)
			text = seed
		case errors.Is(err, os.ErrNotExist):
			return usageError{fmt.Errorf("profile learn: %s has no text beside it: type what the paper shows into %s (one line per printed line), or use --ocr to have Tesseract draft it", path, txtPath)}
		default:
			return fmt.Errorf("profile learn: %w", err)
		}
		lines := strings.Split(strings.ReplaceAll(strings.TrimRight(string(text), "\n"), "\r\n", "\n"), "\n")
		// One text file covers the receipt's images top to bottom.
		samples = append(samples, glyphs.Sample{Name: path, Image: stack(imgs), Lines: lines})
	}
	if len(samples) == 0 {
		if drafts > 0 {
			return fmt.Errorf("profile learn: nothing learned yet: %d draft(s) to check and rename (above); %s not written", drafts, c.Glyphs)
		}
		return fmt.Errorf("profile learn: nothing learned")
	}
	rep := d.Learn(samples)
	for _, a := range rep.Already {
		fmt.Fprintf(w, "%s\n", a)
	}
	if rep.Samples == 0 && len(rep.Skipped) == 0 {
		// Every receipt was learned before: learning is the same again.
		fmt.Fprintf(w, "%s: nothing new to learn (%d receipt(s) learned before): not written\n", c.Glyphs, len(d.Learned()))
		return nil
	}
	if rep.Lines == 0 {
		// Every receipt was skipped: say why, and leave the file as it was
		// (an empty dictionary would read nothing on the lane).
		if err := printSkipped(w, samples, rep); err != nil {
			return err
		}
		return fmt.Errorf("profile learn: nothing learned (see 'not learned' above); %s not written", c.Glyphs)
	}
	if err := d.Save(c.Glyphs); err != nil {
		return err
	}
	return printLearnReport(w, c.Glyphs, d, samples, rep)
}

// printSkipped tells why receipts or lines were not learned. A receipt
// whose text has more or fewer lines than its image has lines of print is
// shown side by side, line by line, with where each line of print is and
// how high, so the line missing or extra (a rule, a logo, a line typed
// twice) can be found.
func printSkipped(w io.Writer, samples []glyphs.Sample, rep glyphs.Report) error {
	var b strings.Builder
	for _, s := range rep.Skipped {
		fmt.Fprintf(&b, "not learned: %s\n", s)
	}
	for _, s := range samples {
		var texts []string
		for _, t := range s.Lines {
			if t = strings.TrimSpace(t); t != "" {
				texts = append(texts, t)
			}
		}
		lines := raster.Lines(s.Image)
		if len(lines) == len(texts) {
			continue
		}
		fmt.Fprintf(&b, "%s: its %d lines of print (rows of ink, white above and below) beside the %d lines of its text:\n", s.Name, len(lines), len(texts))
		for i := range max(len(lines), len(texts)) {
			where, text := "(no line of print)", "(no text)"
			if i < len(lines) {
				box := lines[i].Box
				where = fmt.Sprintf("rows %d-%d, %d dots high", box.Min.Y, box.Max.Y-1, box.Dy())
			}
			if i < len(texts) {
				// the technician's typing may hold a card number whole
				text = drivers.MaskOCRPANs(texts[i])
			}
			fmt.Fprintf(&b, "%4d  %-28s %s\n", i+1, where, text)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// pageImages returns the images a print stream prints.
func pageImages(data []byte, printer *escpos.Printer) []*raster.Bitmap {
	g := &imageGrab{}
	dec := escpos.New(escpos.Options{Printer: printer, Recognizer: g})
	dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: data})
	dec.FlushAll()
	return g.imgs
}

type imageGrab struct{ imgs []*raster.Bitmap }

func (g *imageGrab) Recognize(b *raster.Bitmap) raster.Result {
	g.imgs = append(g.imgs, b.Clone())
	return raster.Result{}
}

// stack puts images below each other (a receipt printed as several).
func stack(imgs []*raster.Bitmap) *raster.Bitmap {
	if len(imgs) == 1 {
		return imgs[0]
	}
	out := raster.New()
	y := 0
	for _, img := range imgs {
		for r := 0; r < img.H; r++ {
			out.OrRow(0, y+r, img.Row(r), 1)
		}
		y += img.H + 8
		out.Grow(y)
	}
	return out
}

// printLearnReport tells what was learned and shows every glyph learning
// is unsure of, drawn, so a technician can check it against the paper.
func printLearnReport(w io.Writer, path string, d *glyphs.Dict, samples []glyphs.Sample, rep glyphs.Report) error {
	if _, err := fmt.Fprintf(w, "%s: %d glyphs (%d new) from %d receipt(s), %d line(s); a gap of %.2f x the line height beyond its bearings reads as a space\n", path, d.Len(), rep.New, rep.Samples, rep.Lines, d.Space); err != nil {
		return err
	}
	if err := printSkipped(w, samples, rep); err != nil {
		return err
	}
	var b strings.Builder
	if len(rep.Unsure) == 0 {
		b.WriteString("no glyph is unsure\n")
	} else {
		fmt.Fprintf(&b, "%d glyph(s) unsure: each is read with low confidence (never as an amount) until you check it and delete its `unsure` note in %s:\n", len(rep.Unsure), path)
	}
	for _, g := range rep.Unsure {
		fmt.Fprintf(&b, "\n%q (%dx%d, seen %d): %s\n", g.Text, g.W, g.H, g.Seen, g.Unsure)
		for y := 0; y < g.H; y++ {
			b.WriteString("  " + g.Bits[y*g.W:(y+1)*g.W] + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
