package drivers

// MaskTextPANsStrict is MaskTextPANs for text that leaves the lane for
// people (chat channels, e-mail, webhooks, a video recorder's overlay),
// where a long number is never needed in full. Besides what MaskTextPANs
// masks, a single group of 14 or more digits that holds a Luhn-valid window
// of 13 to 19 digits (a card number glued to other digits: no card number
// is longer than 19, ISO/IEC 7812) keeps only its first 6 and last 4
// digits. The journal keeps such a group whole (MaskTextPANs): it is most
// likely a reference, and searching for it must work; what is sent out is
// masked.
func MaskTextPANsStrict(b []byte) {
	MaskTextPANs(b)
	for i := 0; i < len(b); {
		if !isDigit(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isDigit(b[j]) {
			j++
		}
		if j-i >= 14 && holdsLuhnWindow(b[i:j]) {
			for k := i + 6; k < j-4; k++ {
				b[k] = MaskChar
			}
		}
		i = j
	}
}

// holdsLuhnWindow reports whether some 13 to 19 consecutive digits of the
// digit run d pass the Luhn check.
func holdsLuhnWindow(d []byte) bool {
	var pos [19]int // a window's digits: all of them, in order
	for k := range pos {
		pos[k] = k
	}
	for a := 0; a+13 <= len(d); a++ {
		for n := 13; n <= 19 && a+n <= len(d); n++ {
			if luhnAt(d[a:a+n], pos[:n]) {
				return true
			}
		}
	}
	return false
}
