// Package sniff guesses a lane's settings from a few seconds of its
// traffic, for `tillwatch setup`: which printer profile and power-on mode
// make the register's bytes read as text, which receipt profile finds the
// receipt's fields, and which terminal protocol reads the payments. It
// also listens to a draft config's links for a while (Listen).
package sniff

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/receipt"
	"github.com/tillwatch/tillwatch/drivers/template"
	"github.com/tillwatch/tillwatch/drivers/transbank"
	"github.com/tillwatch/tillwatch/drivers/zvt"
)

// PrinterGuess is the printer settings that read the register's bytes best.
type PrinterGuess struct {
	// Printer is the printer profile, ChineseDefault the power-on mode,
	// ReceiptProfile the receipt profile.
	Printer        string
	ChineseDefault bool
	ReceiptProfile string
	// Receipts counts the print jobs with text, GraphicsOnly those
	// printed only as images (a driver that draws receipts).
	Receipts, GraphicsOnly int
	// Found says what the receipt profile found ("3 of 3 receipts:
	// total, number, tenders").
	Found string
}

// Printer guesses the printer settings from what the register sent the
// printer (host direction). currency is the lane's (amounts without one).
// With no receipt in the bytes the guess is Epson's defaults and Receipts
// is 0.
func Printer(host []byte, currency string) PrinterGuess {
	best := PrinterGuess{Printer: "epson", ReceiptProfile: "generic"}
	bestScore := math.MinInt
	for _, name := range printerOrder() {
		p, err := escpos.PrinterByName(name)
		if err != nil {
			continue
		}
		for _, cd := range []bool{false, true} {
			rs, graphics := decodeReceipts(host, escpos.Options{Printer: p, ChineseDefault: cd})
			prof, fields, found := bestProfile(rs, currency)
			score := fields*1000 + textScore(rs)
			if score > bestScore {
				bestScore = score
				best = PrinterGuess{Printer: name, ChineseDefault: cd, ReceiptProfile: prof, Receipts: len(rs), GraphicsOnly: graphics, Found: found}
			}
		}
	}
	return best
}

// printerOrder tries Epson first, so that ties (plain ASCII receipts) keep
// the default.
func printerOrder() []string {
	out := []string{"epson"}
	for _, n := range escpos.PrinterNames() {
		if n != "epson" {
			out = append(out, n)
		}
	}
	return out
}

// decodeReceipts decodes host bytes into receipts with text; graphics
// counts the jobs printed only as images.
func decodeReceipts(host []byte, opts escpos.Options) (rs []*drivers.Receipt, graphics int) {
	dec := escpos.New(opts)
	evs := dec.Feed(drivers.Chunk{Time: time.Unix(0, 0).UTC(), Dir: drivers.FromHost, Data: host})
	for _, ev := range append(evs, dec.FlushAll()...) {
		r, ok := ev.(*drivers.Receipt)
		if !ok {
			continue
		}
		if r.GraphicsOnly {
			graphics++
			continue
		}
		if len(r.Lines) > 0 {
			rs = append(rs, r)
		}
	}
	return rs, graphics
}

// bestProfile is the builtin receipt profile that finds the most fields in
// rs (ties: the first in BuiltinNames, generic), with its score and a
// summary.
func bestProfile(rs []*drivers.Receipt, currency string) (name string, score int, found string) {
	name, score = "generic", -1
	for _, n := range profileOrder() {
		p, err := receipt.Builtin(n)
		if err != nil {
			continue
		}
		p = p.ForLane(currency)
		s, summary := fieldScore(p, rs)
		if s > score {
			name, score, found = n, s, summary
		}
	}
	return name, score, found
}

func profileOrder() []string {
	out := []string{"generic"}
	for _, n := range receipt.BuiltinNames() {
		if n != "generic" {
			out = append(out, n)
		}
	}
	return out
}

// fieldScore extracts with p from copies of rs: a total counts most, then
// the receipt number, tenders, change and amount due.
func fieldScore(p *receipt.Profile, rs []*drivers.Receipt) (int, string) {
	score, totals, numbers, tenders := 0, 0, 0, 0
	for _, r := range rs {
		c := &drivers.Receipt{Lines: r.Lines}
		p.Extract(c)
		if c.Total != nil {
			score += 4
			totals++
		}
		if c.Number != "" {
			score += 2
			numbers++
		}
		if len(c.Tenders) > 0 {
			score += 2
			tenders++
		}
		if c.Change != nil {
			score++
		}
		if c.Due != nil {
			score++
		}
	}
	return score, fmt.Sprintf("in %d receipts: %d totals, %d receipt numbers, %d with tenders", len(rs), totals, numbers, tenders)
}

// textScore says how much the decoded lines read like text: letters and
// digits count, runs of Han characters count (a lone one among Latin text
// is a double-byte misreading), box drawing, replacement and control
// characters count against.
func textScore(rs []*drivers.Receipt) int {
	s := 0
	for _, r := range rs {
		for _, l := range r.Lines {
			runes := []rune(l.Text)
			for i, c := range runes {
				switch {
				case c == unicode.ReplacementChar, unicode.IsControl(c):
					s -= 3
				case c >= 0x2500 && c <= 0x259F: // box drawing and blocks: a code page misread
					s -= 2
				case unicode.Is(unicode.Han, c):
					if i > 0 && unicode.Is(unicode.Han, runes[i-1]) || i+1 < len(runes) && unicode.Is(unicode.Han, runes[i+1]) {
						s++
					} else {
						s -= 2
					}
				case unicode.IsLetter(c), unicode.IsDigit(c):
					s++
				}
			}
		}
	}
	return s
}

// TerminalGuess is the terminal protocol that reads the most payments.
type TerminalGuess struct {
	// Protocol is zvt, transbank or template ("" when nothing was read);
	// Template names the template for protocol template.
	Protocol, Template string
	// Payments counts the payments read, Damaged the frames that failed
	// their checks under this protocol.
	Payments, Damaged int
}

// Terminal guesses the terminal protocol from both directions of its
// line.
func Terminal(chunks []drivers.Chunk) TerminalGuess {
	type cand struct {
		protocol, tmpl string
		dec            drivers.Decoder
	}
	cands := []cand{
		{"zvt", "", zvt.New(zvt.Options{Framing: "auto"})},
		{"transbank", "", transbank.New(transbank.Options{})},
	}
	for _, n := range template.Builtins() {
		if t, err := template.Load(n); err == nil {
			cands = append(cands, cand{"template", n, template.New(t)})
		}
	}
	var best TerminalGuess
	bestScore := 0
	for _, c := range cands {
		payments := 0
		count := func(evs []drivers.Event) {
			for _, ev := range evs {
				switch ev.(type) {
				case *drivers.Payment, *drivers.Settlement:
					payments++
				}
			}
		}
		var last time.Time
		for _, ch := range chunks {
			count(c.dec.Feed(ch))
			last = ch.Time
		}
		count(c.dec.Flush(last.Add(time.Hour)))
		damaged := 0
		if ds, ok := c.dec.(drivers.DamageSource); ok {
			damaged = int(ds.Damaged())
		}
		if score := payments*10 - damaged; payments > 0 && score > bestScore {
			bestScore = score
			best = TerminalGuess{Protocol: c.protocol, Template: c.tmpl, Payments: payments, Damaged: damaged}
		}
	}
	return best
}

// Looks says what a byte stream looks like, for a port the technician
// named: "ESC/POS print data", "terminal frames" or "".
func Looks(b []byte) string {
	s := string(b)
	switch {
	case strings.Contains(s, "\x1b@") || strings.Contains(s, "\x1dV") || strings.Contains(s, "\x1bd"):
		return "ESC/POS print data"
	case strings.Contains(s, "\x10\x02") || strings.Contains(s, "\x02") && strings.Contains(s, "\x03"):
		return "terminal frames"
	}
	return ""
}
