// Package textwidth says how many columns a character takes on a receipt
// printer: the one rule the print-stream decoder (placing text at
// positions, wrapping) and the glyph dictionary (cutting a line into
// glyph cells) share.
package textwidth

import "golang.org/x/text/width"

// firstWide is the first Wide character (U+1100, Hangul Choseong Kiyeok);
// CJK Unified Ideographs and Hangul Syllables are Wide throughout.
const (
	firstWide               = 0x1100
	cjkFirst, cjkLast       = 0x4E00, 0x9FFF
	hangulFirst, hangulLast = 0xAC00, 0xD7A3
)

// Wide reports a character a receipt printer prints full width, two
// columns of Font A (24 dots): East Asian Wide and Fullwidth in Unicode's
// East Asian Width (UAX #11, golang.org/x/text/width). Halfwidth
// katakana (U+FF61-FF9F) and the Ambiguous class (×, °, Greek and
// Cyrillic) take one column, as in the printers' single-byte tables.
func Wide(r rune) bool {
	switch { // most text needs no table lookup (the decoder asks for every rune)
	case r < firstWide:
		return false
	case r >= cjkFirst && r <= cjkLast, r >= hangulFirst && r <= hangulLast:
		return true
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return true
	}
	return false
}
