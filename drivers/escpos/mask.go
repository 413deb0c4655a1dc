package escpos

import "github.com/tillwatch/tillwatch/drivers"

// hasLongDigitRun is a cheap pre-check: 13 digits or more with at most
// single spaces or dashes between them.
func hasLongDigitRun(s string) bool {
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

// maskPANs masks card numbers printed in full: every Luhn-valid run of 13
// to 19 digits (single spaces or dashes allowed between digits) keeps the
// digits drivers.MaskPAN keeps (first 6, last 4); the others become '*'.
// POS software should never print them; this keeps them out of journals
// and captures when it does.
func maskPANs(s string) string {
	if !hasLongDigitRun(s) {
		return s
	}
	b := []byte(s)
	var pos []int
	for i := 0; i < len(b); {
		if !isDigit(b[i]) {
			i++
			continue
		}
		pos = pos[:0]
		j := i
		for j < len(b) {
			if isDigit(b[j]) {
				pos = append(pos, j)
				j++
				continue
			}
			if (b[j] == ' ' || b[j] == '-') && j+1 < len(b) && isDigit(b[j+1]) {
				j++
				continue
			}
			break
		}
		if len(pos) >= 13 && len(pos) <= 19 && luhn(b, pos) {
			digits := make([]byte, len(pos))
			for k, p := range pos {
				digits[k] = b[p]
			}
			masked := drivers.MaskPAN(string(digits))
			for k, p := range pos {
				b[p] = masked[k]
			}
		}
		i = j
	}
	return string(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// luhn checks the digits of b at positions pos.
func luhn(b []byte, pos []int) bool {
	sum := 0
	for k := range pos {
		d := int(b[pos[len(pos)-1-k]] - '0')
		if k%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
