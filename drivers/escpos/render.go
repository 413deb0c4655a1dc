package escpos

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// Render prints a receipt the way a person reads it: its lines, then how
// it ended ("--- cut ---" or "--- NOT CUT (idle) ---") and a drawer kick.
func Render(r *drivers.Receipt) string {
	var b strings.Builder
	if r.GraphicsOnly {
		b.WriteString("[graphics only: no text]\n")
	}
	for _, l := range r.Lines {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	if r.Cut {
		b.WriteString("--- cut ---\n")
	} else {
		b.WriteString("--- NOT CUT (" + r.Ended + ") ---\n")
	}
	if r.DrawerKick {
		b.WriteString("--- drawer kick ---\n")
	}
	if r.Unconfirmed {
		b.WriteString("--- NOT CONFIRMED: the printer never answered GS ( H ---\n")
	}
	return b.String()
}

// RenderDetail prints a receipt with its items (Options.Detail) the way a
// person reads it: lines aligned in a paper of width columns (0 leaves
// them as they are), images, barcodes and 2D codes as bracketed
// placeholders with their size or payload, cuts and drawer kicks where
// they happened, then what the receipt profile found. Status requests and
// unknown commands print nothing on paper: they are counted in a footer
// (their offsets are in the JSON form). Items outside receipts render as
// that footer alone.
func RenderDetail(det Detail, width int) string {
	var b strings.Builder
	r := det.Receipt
	if r != nil && r.GraphicsOnly {
		b.WriteString("[graphics only: no text]\n")
	}
	if r != nil && r.Recognised != nil {
		g := r.Recognised
		fmt.Fprintf(&b, "[%d line(s) recognised from the printed image (%s marks them, %s those read with low confidence) by %s: %d glyph(s), %d unknown, lowest confidence %.2f]\n",
			g.Lines, strings.TrimSpace(OCRMark), strings.TrimSpace(OCRUnsureMark), g.Engine, g.Glyphs, g.Unknown, g.Confidence)
		if g.AmountsUnsure {
			b.WriteString("[AMOUNTS UNSURE: a line with digits was not read with confidence; its amounts are not used]\n")
		}
	}
	status, unknown := 0, 0
	for _, it := range det.Items {
		switch it.Kind {
		case KindLine:
			if it.Line.Source == "ocr" {
				b.WriteString(ocrMark(it.Line.Confidence))
			}
			b.WriteString(align(it.Line.Text, it.Line.Align, width, it.MarginDots, it.AreaDots))
			b.WriteByte('\n')
		case KindLogo:
			b.WriteString("[logo, " + it.Command + " " + it.Note + "]\n")
		case KindImage:
			b.WriteString("[image")
			if it.Width > 0 || it.Height > 0 {
				fmt.Fprintf(&b, " %dx%d dots", it.Width, it.Height)
			}
			if it.Note != "" {
				b.WriteString(", " + it.Note)
			}
			b.WriteString(truncMark(it) + "]\n")
		case KindBarcode, Kind2D:
			fmt.Fprintf(&b, "[%s: %s%s]\n", it.Symbology, visible(it.Data), truncMark(it))
		case KindCut:
			if it.Note != "" {
				fmt.Fprintf(&b, "--- cut (%s) ---\n", it.Note)
			} else {
				b.WriteString("--- cut ---\n")
			}
		case KindDrawerKick:
			if it.Note != "" {
				fmt.Fprintf(&b, "--- drawer kick (%s) ---\n", it.Note)
			} else {
				b.WriteString("--- drawer kick ---\n")
			}
		case KindBeep:
			b.WriteString("[beep]\n")
		case KindStatusRequest:
			status++
		case KindUnknown:
			unknown++
		}
	}
	if r != nil && !r.Cut {
		b.WriteString("--- NOT CUT (" + r.Ended + ") ---\n")
	}
	if r != nil && r.Unconfirmed {
		b.WriteString("--- NOT CONFIRMED: the printer never answered GS ( H ---\n")
	}
	if r != nil {
		if f := fieldsLine(r); f != "" {
			b.WriteString(f + "\n")
		}
	}
	if status > 0 || unknown > 0 {
		fmt.Fprintf(&b, "(%d status request(s), %d unknown command(s): see --json)\n", status, unknown)
	}
	return b.String()
}

// OCRMark starts a line recognised from a printed image in RenderDetail;
// OCRUnsureMark one read with less confidence than raster.Sure (a guess
// such as a recogniser's reading of a logo, or a line whose amounts the
// lane does not use).
const (
	OCRMark       = "ocr| "
	OCRUnsureMark = "ocr? "
)

// ocrMark is the mark of a recognised line read with confidence c.
func ocrMark(c float64) string {
	if c < raster.Sure {
		return OCRUnsureMark
	}
	return OCRMark
}

// visible escapes control characters and invalid UTF-8 in a payload.
func visible(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && len(s) > i && s[i] != "\uFFFD"[0]:
			fmt.Fprintf(&b, "\\x%02X", s[i])
		case r < 0x20 || r == 0x7F:
			fmt.Fprintf(&b, "\\x%02X", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func truncMark(it Item) string {
	if it.Truncated {
		return " (truncated)"
	}
	return ""
}

// align places a line on a paper of width columns (Font A cells of
// fontADots): at its left margin (GS L, marginDots), justified within its
// print area (GS W, areaDots; 0 is the rest of the paper), as the printer
// does (Epson: ESC a aligns within the printing area). East Asian wide
// characters count as two columns.
func align(text, how string, width, marginDots, areaDots int) string {
	if width <= 0 {
		return text
	}
	paper := width * fontADots
	marginDots = min(marginDots, paper)
	area := paper - marginDots
	if areaDots > 0 && areaDots < area {
		area = areaDots
	}
	x := marginDots // where the text starts, in dots
	if pad := area - columns(text)*fontADots; pad > 0 {
		switch how {
		case "center":
			x += pad / 2
		case "right":
			x += pad
		}
	}
	n := x / fontADots // a part cell is left out, as the centring of a whole-paper line always was
	if n <= 0 {
		return text
	}
	return strings.Repeat(" ", n) + text
}

// columns is the printed width of s: CJK and full-width characters count two.
func columns(s string) int {
	n := 0
	for _, r := range s {
		if wideRune(r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// fieldsLine summarises the receipt profile's fields, or "".
func fieldsLine(r *drivers.Receipt) string {
	var parts []string
	if r.Number != "" {
		parts = append(parts, "number "+r.Number)
	}
	amount := func(label string, v *int64) {
		if v != nil {
			parts = append(parts, label+" "+money.Number(*v, r.Currency))
		}
	}
	amount("total", r.Total)
	amount("due", r.Due)
	for _, t := range r.Tenders {
		parts = append(parts, fmt.Sprintf("tender %s %s (%s)", t.Kind, money.Number(t.Amount, r.Currency), t.Label))
	}
	amount("change", r.Change)
	if r.Reprint {
		parts = append(parts, "REPRINT")
	}
	if len(parts) == 0 {
		return ""
	}
	name := r.Profile
	if name == "" {
		name = "fields"
	}
	return "[" + name + ": " + strings.Join(parts, ", ") + "]"
}
