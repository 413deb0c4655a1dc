package escpos

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestEncoderRoundTrip: for every built-in printer profile, a job the
// Encoder writes decodes (with the same profile) to the lines it was
// given, styles included, for every line the printer can print; lines it
// cannot print keep their length with '?' for what is missing.
func TestEncoderRoundTrip(t *testing.T) {
	lines := []drivers.Line{
		{Text: "*** COPY ***", Bold: true, DoubleHeight: true, DoubleWidth: true, Align: "center"},
		{Text: "RECEIPT 0042"},
		{Text: "TOTAL                  20.40", Underline: true},
		{Text: "VISA                   20.40", Inverse: true},
		{Text: "Grüße, Straße", Align: "right"},
		{Text: "Sum € 20,40"},
		{Text: "Итого 20.40"},
		{Text: "Σύνολο 20.40"},
		{Text: "合计: ¥68.00 银行卡"},
		{Text: "合計 ﾚｼｰﾄ"},
		{Text: "합계 68,000원"},
		{Text: "plain again"},
	}
	for name, p := range BuiltinPrinters() {
		for _, chinese := range []bool{false, true} {
			opts := Options{Printer: p, ChineseDefault: chinese}
			enc, err := NewEncoder(opts)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			job := enc.Job(lines)
			dec := New(opts)
			evs := dec.Feed(drivers.Chunk{Time: time.Unix(0, 0), Data: job})
			evs = append(evs, dec.Flush(time.Unix(60, 0))...)
			if len(evs) != 1 {
				t.Fatalf("%s: %d events, want 1 receipt", name, len(evs))
			}
			got := evs[0].(*drivers.Receipt)
			if !got.Cut || len(got.Lines) != len(lines) {
				t.Fatalf("%s: cut %v, %d lines, want %d", name, got.Cut, len(got.Lines), len(lines))
			}
			printable := 0
			for i, l := range lines {
				g := got.Lines[i]
				if enc.Encodes(l.Text) {
					printable++
					if g.Text != l.Text {
						t.Errorf("%s chinese=%v line %d: %q, want %q", name, chinese, i, g.Text, l.Text)
					}
				} else if len([]rune(g.Text)) != len([]rune(l.Text)) {
					t.Errorf("%s chinese=%v line %d: %q for unprintable %q: want one '?' per missing character", name, chinese, i, g.Text, l.Text)
				}
				if g.Bold != l.Bold || g.Align != l.Align || g.Underline != l.Underline || g.Inverse != l.Inverse {
					t.Errorf("%s line %d style %+v, want %+v", name, i, g, l)
				}
				if !p.StarLineMode && (g.DoubleHeight != l.DoubleHeight || g.DoubleWidth != l.DoubleWidth) {
					t.Errorf("%s line %d size %+v, want %+v", name, i, g, l)
				}
			}
			if printable < 8 {
				t.Errorf("%s chinese=%v: only %d of %d lines printable", name, chinese, printable, len(lines))
			}
		}
	}
}

// TestEncoderRefuses: an unknown code page or a broken profile is an
// error, not a guess.
func TestEncoderRefuses(t *testing.T) {
	if _, err := NewEncoder(Options{CodePage: "ebcdic"}); err == nil {
		t.Error("code page ebcdic accepted")
	}
	if _, err := NewEncoder(Options{Printer: &Printer{Name: "x", DoubleByte: "klingon"}}); err == nil {
		t.Error("double-byte set klingon accepted")
	}
}
