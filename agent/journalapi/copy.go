package journalapi

import (
	"unicode"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
)

// Copy headers: the receipt profiles' reprint markers (COPY, 副本) mark
// the copy as a reprint, so detection never counts it as a new receipt.
const (
	CopyHeader        = "*** COPY ***"
	CopyHeaderChinese = "*** COPY / 副本 ***"
)

// Copy returns the print job of a receipt copy for the printer enc writes
// for (escpos.Encoder: the lane's printer profile, code table and
// double-byte mode): the header line (double size, centred), then the
// receipt's lines with their styles, then a feed and a partial cut. The
// header is bilingual when the receipt holds Chinese and the printer can
// print it.
func Copy(r *drivers.Receipt, enc *escpos.Encoder) []byte {
	header := CopyHeader
	if hasHan(r.Lines) && enc.Encodes(CopyHeaderChinese) {
		header = CopyHeaderChinese
	}
	lines := append([]drivers.Line{{Text: header, Bold: true, DoubleHeight: true, DoubleWidth: true, Align: "center"}}, r.Lines...)
	return enc.Job(lines)
}

func hasHan(lines []drivers.Line) bool {
	for _, l := range lines {
		for _, c := range l.Text {
			if unicode.Is(unicode.Han, c) || c >= 0x3000 && c <= 0x303F || c >= 0xFF00 && c <= 0xFFEF {
				return true
			}
		}
	}
	return false
}
