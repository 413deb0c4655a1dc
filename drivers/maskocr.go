package drivers

import "unicode/utf8"

// ocrDigit maps the characters an OCR engine or a glyph dictionary may
// give for a digit of a printed card number to the digit: the look-alike
// letters (l, I, i, | and ! for 1; O, o, D and Q for 0; Z for 2; S for 5;
// G and b for 6; B for 8; g and q for 9).
var ocrDigit = map[rune]byte{
	'l': '1', 'I': '1', 'i': '1', '|': '1', '!': '1',
	'O': '0', 'o': '0', 'D': '0', 'Q': '0',
	'Z': '2', 'S': '5', 'G': '6', 'b': '6', 'B': '8', 'g': '9', 'q': '9',
}

// MaskOCRPANs is MaskTextPANs for a line read from a printed image, where
// a card number's digits may come back as look-alike letters ("4539l488")
// or as a glyph not recognised (utf8.RuneError): such a number is as good
// as whole (the Luhn check restores one unknown digit), so it is masked
// as MaskTextPANs masks a number read right. In a group of characters
// (between spaces or dashes) made only of digits, look-alikes and unknown
// glyphs, the look-alikes count as digits, and an unknown glyph as every
// digit in turn (one pass each: a number with one unknown digit always
// has one digit that makes it Luhn-valid). The characters masked become
// '*'; the kept ones stay as read, and the number of runes is kept (a
// RasterRedactor lines them up with the glyph cells).
func MaskOCRPANs(s string) string {
	if !maybeNumber(s) {
		return s
	}
	rs := []rune(s)
	shadow := make([]byte, len(rs)) // one byte a rune: the text as digits
	var unknown []int
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j] != ' ' && rs[j] != '-' {
			j++
		}
		digitish := j > i
		for _, r := range rs[i:j] {
			if _, ok := ocrDigit[r]; !ok && (r < '0' || r > '9') && r != utf8.RuneError {
				digitish = false
				break
			}
		}
		for k := i; k < j; k++ {
			shadow[k] = shadowByte(rs[k], digitish)
			if digitish && rs[k] == utf8.RuneError {
				shadow[k] = '0'
				unknown = append(unknown, k)
			}
		}
		if j < len(rs) {
			shadow[j] = byte(rs[j])
		}
		i = j + 1
	}
	if !hasDigits(shadow, 13) {
		return s
	}
	masked := false
	pass := func(b []byte) {
		MaskTextPANs(b)
		for k, c := range b {
			if c == MaskChar && rs[k] != MaskChar {
				rs[k], masked = MaskChar, true
			}
		}
	}
	if len(unknown) == 0 {
		pass(shadow)
	}
	for _, u := range unknown {
		for d := byte('0'); d <= '9'; d++ {
			b := append([]byte(nil), shadow...)
			b[u] = d
			pass(b)
		}
	}
	if !masked {
		return s
	}
	return string(rs)
}

// shadowByte is the byte of r in MaskOCRPANs's shadow: a digit for a
// digit, and for a look-alike in a group that may be a number's; '?' for
// anything else.
func shadowByte(r rune, digitish bool) byte {
	switch {
	case r >= '0' && r <= '9':
		return byte(r)
	case r == MaskChar:
		return MaskChar
	case digitish && ocrDigit[r] != 0:
		return ocrDigit[r]
	}
	return '?'
}

// hasDigits reports whether b holds at least n digits.
func hasDigits(b []byte, n int) bool {
	for _, c := range b {
		if isDigit(c) {
			n--
		}
	}
	return n <= 0
}

// maybeNumber is MaskOCRPANs's cheap pre-check: at least 13 bytes that
// are digits, look-alikes or the first of an unknown glyph's.
func maybeNumber(s string) bool {
	n := 0
	for i := 0; i < len(s) && n < 13; i++ {
		if c := s[i]; isDigit(c) || c == 0xef || ocrDigit[rune(c)] != 0 {
			n++
		}
	}
	return n >= 13
}
