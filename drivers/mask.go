package drivers

import "strings"

// MaskChar replaces every hidden card digit.
const MaskChar = '*'

// MaskPAN masks a card number so that at most the first 6 and the last 4
// digits remain (PCI DSS 3.4.1). It is the one masking function every
// decoder uses before a card number leaves it.
//
// Characters that are already mask characters on the wire ('*', 'X', 'x',
// 'E' or 'e' as in ZVT's masked BCD nibbles) are normalised to '*'. Spaces
// and dashes are dropped. Numbers of 10 digits or fewer keep only the last 4;
// anything else (letters, garbage) is masked completely.
func MaskPAN(pan string) string {
	var b strings.Builder
	for _, r := range pan {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '*' || r == 'X' || r == 'x' || r == 'E' || r == 'e' || r == '#':
			b.WriteByte(MaskChar)
		case r == ' ' || r == '-':
		default:
			b.WriteByte(MaskChar)
		}
	}
	s := []byte(b.String())
	n := len(s)
	keepHead := 6
	if n <= 10 {
		keepHead = 0
	}
	if n-keepHead < 4 {
		keepHead = 0
	}
	for i := range s {
		if i >= keepHead && i < n-4 {
			s[i] = MaskChar
		}
	}
	return string(s)
}
