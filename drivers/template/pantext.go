package template

// maskTextPANs masks card numbers in free text, in place:
// every Luhn-valid run of 13 to 19 digits keeps its first 6 and last 4
// digits, the others become '*'; digits right after such a run and a
// track-2 separator ('=' or 'D') are track data and all become '*'.
func maskTextPANs(b []byte) {
	for i := 0; i < len(b); {
		if !isDigit(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isDigit(b[j]) {
			j++
		}
		if n := j - i; n >= 13 && n <= 19 && luhn(b[i:j]) {
			for k := i + 6; k < j-4; k++ {
				b[k] = '*'
			}
			if j < len(b) && (b[j] == '=' || b[j] == 'D') {
				for j++; j < len(b) && isDigit(b[j]); j++ {
					b[j] = '*'
				}
			}
		}
		i = j
	}
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// luhn checks a run of digits with the Luhn algorithm.
func luhn(d []byte) bool {
	sum := 0
	for k := range d {
		v := int(d[len(d)-1-k] - '0')
		if k%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}
