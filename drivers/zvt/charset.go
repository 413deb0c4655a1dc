package zvt

import (
	"fmt"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Character sets of receipt text (Options.Charset).
const (
	CharsetAuto   = "auto"   // CP437 unless the text reads as Latin-1 German
	CharsetCP437  = "cp437"  // the ZVT default (hobex, Feig)
	CharsetLatin1 = "latin1" // ISO 8859-1 (some Austrian terminals, e.g. TSS)
)

// validCharset reports a bad Options.Charset.
func validCharset(c string) error {
	switch c {
	case "", CharsetAuto, CharsetCP437, CharsetLatin1:
		return nil
	}
	return fmt.Errorf("zvt: invalid charset %q (want %q, %q or %q)", c, CharsetAuto, CharsetCP437, CharsetLatin1)
}

// latin1Letters are the German letters in Latin-1 (Ä Ö Ü ä ö ü ß); in CP437
// the same bytes are box drawing and Greek.
const latin1Letters = "\xC4\xD6\xDC\xE4\xF6\xFC\xDF"

// pickCharset decides auto for one receipt: bytes 0x80..0x9F are letters
// in CP437 and control codes in Latin-1, so any of them means CP437; a
// Latin-1 umlaut byte next to an ASCII letter (H\xC4NDLER, not a line of
// \xC4 box drawing) means Latin-1; anything else is CP437.
func pickCharset(lines [][]byte) string {
	latin := false
	for _, l := range lines {
		for i, c := range l {
			switch {
			case c >= 0x80 && c <= 0x9F:
				return CharsetCP437
			case strings.IndexByte(latin1Letters, c) >= 0:
				if (i > 0 && isASCIILetter(l[i-1])) || (i+1 < len(l) && isASCIILetter(l[i+1])) {
					latin = true
				}
			}
		}
	}
	if latin {
		return CharsetLatin1
	}
	return CharsetCP437
}

func isASCIILetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// decodeText turns receipt bytes into a string: printable ASCII as is,
// control bytes as spaces, the rest through the character set.
func decodeText(b []byte, charset string) string {
	cm := charmap.CodePage437
	if charset == CharsetLatin1 {
		cm = charmap.ISO8859_1
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		switch {
		case c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F && charset == CharsetLatin1):
			sb.WriteByte(' ')
		case c < 0x80:
			sb.WriteByte(c)
		default:
			sb.WriteRune(cm.DecodeByte(c))
		}
	}
	return strings.TrimRight(sb.String(), " ")
}
