// Package textwidth says how many columns a character takes on a receipt
// printer: the one rule the print-stream decoder (placing text at
// positions, wrapping) and the glyph dictionary (cutting a line into
// glyph cells) share.
package textwidth

import "golang.org/x/text/width"

// Wide reports a character a receipt printer prints full width, two
// columns of Font A (24 dots): East Asian Wide and Fullwidth in Unicode's
// East Asian Width (UAX #11, golang.org/x/text/width). Halfwidth
// katakana (U+FF61-FF9F) and the Ambiguous class (×, °, Greek and
// Cyrillic) take one column, as in the printers' single-byte tables.
func Wide(r rune) bool {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return true
	}
	return false
}
