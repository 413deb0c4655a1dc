package escpos

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/internal/golden"
)

// starExpansion is a Star Line Mode receipt written from Star's manual
// (STAR Line Mode Command Specifications, 3-13 and 3-14; no encoder at
// hand sends these controls): SO sets double width (as ESC W 1), DC4
// cancels it (ESC W 0), ESC SO sets double height (ESC h 1), ESC DC4
// cancels it (ESC h 0). A double-width line wraps at 24 characters on
// 576 dots; ESC GS A places the amount (after a double-width TOTAL, 120
// dots wide, 168 dots of blank space to 288: 14 spaces).
const starExpansion = "\x1b@" +
	"\x1bE\x0eSTAR MART\x14\x1bF\n" +
	"Coffee\x1b\x1dA\xd0\x013.50\n" +
	"\x0eTOTAL\x1b\x1dA\x20\x01RMB 15.00\x14\n" +
	"\x1b\x0eCASH 20.00\x1b\x14\n" +
	"\x0e" + "123456789012345678901234567\x14\n" +
	"Thank you\n" +
	"\x1bd\x02"

// TestStarExpansionControls decodes starExpansion with the star-line
// printer profile: every byte known, the double-width and double-height
// lines flagged, the wide line wrapped where the printer wraps it; golden
// text in testdata/golden/star/. Without Star Line Mode (Epson), SO and
// DC4 print nothing and change nothing.
func TestStarExpansionControls(t *testing.T) {
	opts := Options{PaperDots: 576, Printer: mustPrinter("star-line")}
	for _, chunks := range [][][]byte{{[]byte(starExpansion)}, byteByByte([]byte(starExpansion))} {
		evs, d := decodeChunks(opts, chunks)
		st := d.Stats()
		if st.Unknown != 0 || st.BadText != 0 {
			t.Fatalf("unknown=%d bad_text=%d, want 0", st.Unknown, st.BadText)
		}
		want := "STAR MART/Coffee                                 3.50/TOTAL              RMB 15.00/CASH 20.00/123456789012345678901234/567/Thank you"
		if got := receiptText(evs); got != want {
			t.Fatalf("lines %q, want %q", got, want)
		}
		golden.CheckString(t, filepath.Join("testdata", "golden", "star", "so-dc4.txt"), goldenText(evs, st))
	}
	evs, _ := decodeBytes(Options{PaperDots: 576}, []byte("\x0eTOTAL\x14 "+strings.Repeat("x", 30)+"\n\x1dV\x00"))
	n := 0
	for _, r := range receipts(evs) {
		for _, l := range r.Lines {
			n++
			if l.DoubleWidth || l.Text != "TOTAL "+strings.Repeat("x", 30) {
				t.Errorf("Epson: line %+v, want one single-width line", l)
			}
		}
	}
	if n != 1 {
		t.Errorf("Epson: %d lines, want one single-width line", n)
	}
}
