package journalapi

import (
	"bytes"
	"fmt"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/tillwatch/tillwatch/drivers"
)

// Copy headers: the receipt profiles' reprint markers (COPY, 副本) mark
// the copy as a reprint, so detection never counts it as a new receipt.
const (
	CopyHeader        = "*** COPY ***"
	CopyHeaderChinese = "*** COPY / 副本 ***"
)

// Printer says how a lane printer reads text.
type Printer struct {
	// CodePage is its single-byte code table at power-up (cp437 default,
	// cp850, cp858, cp866, cp1252).
	CodePage string
	// Chinese says it powers up in Chinese (GBK double-byte) mode.
	Chinese bool
}

// Copy returns the print job of a receipt copy: ESC @, the header line
// (double size, centred), the receipt's lines with their styles, a feed
// and a partial cut. Lines are GBK when the printer is Chinese and the
// lines hold Chinese, else in the printer's code page (characters it
// lacks print as '?').
func Copy(r *drivers.Receipt, p Printer) ([]byte, error) {
	gbk := p.Chinese && hasHan(r.Lines)
	cm, err := codePage(p.CodePage)
	if err != nil {
		return nil, err
	}
	header := CopyHeader
	enc := func(s string) []byte { return single(cm, s) }
	if gbk {
		header = CopyHeaderChinese
		enc = gbkText
	}
	var b bytes.Buffer
	b.Write([]byte{0x1B, 0x40}) // ESC @
	switch {
	case gbk:
		b.Write([]byte{0x1C, 0x26}) // FS &: Chinese mode
	case p.Chinese:
		b.Write([]byte{0x1C, 0x2E}) // FS .: leave Chinese mode for the code page
	}
	lines := append([]drivers.Line{{Text: header, Bold: true, DoubleHeight: true, DoubleWidth: true, Align: "center"}}, r.Lines...)
	for _, l := range lines {
		style(&b, l)
		b.Write(enc(l.Text))
		b.WriteByte('\n')
	}
	style(&b, drivers.Line{})
	b.Write([]byte{0x1B, 0x64, 0x04, 0x1D, 0x56, 0x01}) // feed 4, partial cut
	return b.Bytes(), nil
}

// single encodes s in a code page; a character it lacks prints as '?'.
func single(cm *charmap.Charmap, s string) []byte {
	out := make([]byte, 0, len(s))
	for _, c := range s {
		if c < 0x20 || c == 0x7F {
			continue // no control bytes inside a line
		}
		b, ok := cm.EncodeRune(c)
		if !ok {
			b = '?'
		}
		out = append(out, b)
	}
	return out
}

// gbkText encodes s in GBK; a character GBK lacks prints as '?'.
func gbkText(s string) []byte {
	enc := simplifiedchinese.GBK.NewEncoder()
	var out []byte
	for _, c := range s {
		if c < 0x20 || c == 0x7F {
			continue
		}
		b, err := enc.Bytes([]byte(string(c)))
		if err != nil {
			b = []byte{'?'}
		}
		out = append(out, b...)
	}
	return out
}

// style sets a line's print mode (ESC !), alignment (ESC a) and inverse
// (GS B).
func style(b *bytes.Buffer, l drivers.Line) {
	var mode byte
	if l.Bold {
		mode |= 0x08
	}
	if l.DoubleHeight {
		mode |= 0x10
	}
	if l.DoubleWidth {
		mode |= 0x20
	}
	if l.Underline {
		mode |= 0x80
	}
	var align byte
	switch l.Align {
	case "center":
		align = 1
	case "right":
		align = 2
	}
	var inv byte
	if l.Inverse {
		inv = 1
	}
	b.Write([]byte{0x1B, 0x21, mode, 0x1B, 0x61, align, 0x1D, 0x42, inv})
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

func codePage(name string) (*charmap.Charmap, error) {
	switch name {
	case "", "cp437":
		return charmap.CodePage437, nil
	case "cp850":
		return charmap.CodePage850, nil
	case "cp858":
		return charmap.CodePage858, nil
	case "cp866":
		return charmap.CodePage866, nil
	case "cp1252":
		return charmap.Windows1252, nil
	}
	return nil, fmt.Errorf("journalapi: copy: unknown code page %q", name)
}
