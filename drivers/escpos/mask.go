package escpos

import "github.com/tillwatch/tillwatch/drivers"

// hasLongDigitRun is a cheap pre-check: 13 digits or more with at most
// single spaces or dashes between them.
func hasLongDigitRun[T string | []byte](s T) bool {
	digits := 0 // most lines have fewer than 13 digits in all: one quick pass
	for i := 0; i < len(s); i++ {
		if s[i]-'0' < 10 {
			digits++
		}
	}
	if digits < 13 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n++; n >= 13 {
				return true
			}
		case (c == ' ' || c == '-') && n > 0:
		default:
			n = 0
		}
	}
	return false
}

// maskPANs masks card numbers printed in full (drivers.MaskTextPANs:
// Luhn-valid runs of 13 to 19 digits keep their first 6 and last 4, track
// data after them is hidden). POS software should never print them; this
// keeps them out of journals and captures when it does.
func maskPANs(s string) string {
	if !hasLongDigitRun(s) {
		return s
	}
	b := []byte(s)
	drivers.MaskTextPANs(b)
	return string(b)
}
