package template

import "github.com/tillwatch/tillwatch/drivers"

// maskTextPANs masks card numbers and track data in free text, in place,
// with the one text masking function every decoder uses.
func maskTextPANs(b []byte) { drivers.MaskTextPANs(b) }

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
