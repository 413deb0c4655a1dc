package zvt

// bcdString returns the nibbles of b as text, digits and A-F (so the "no
// receipt" marker FF FF reads "FFFF").
func bcdString(b []byte) string {
	const hexdig = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, hexdig[c>>4], hexdig[c&0x0F])
	}
	return string(out)
}

// bcdInt decodes packed BCD digits as a number.
func bcdInt(b []byte) (int64, error) {
	var v int64
	for i, c := range b {
		hi, lo := c>>4, c&0x0F
		if hi > 9 || lo > 9 {
			return 0, derr(i, ErrBCD, "byte %d of a %d-byte number", i, len(b))
		}
		v = v*100 + int64(hi)*10 + int64(lo)
	}
	return v, nil
}

// appendBCD appends v as n bytes of packed BCD (truncating high digits).
func appendBCD(out []byte, v int64, n int) []byte {
	if v < 0 {
		v = 0
	}
	d := make([]byte, n)
	for k := n - 1; k >= 0; k-- {
		lo := v % 10
		v /= 10
		hi := v % 10
		v /= 10
		d[k] = byte(hi<<4 | lo)
	}
	return append(out, d...)
}

// appendBCDString packs a string of digits (and E/F nibbles) into bytes,
// padding an odd count with F. Characters other than 0-9, E and F become E.
func appendBCDString(out []byte, s string) []byte {
	nib := func(r byte) byte {
		switch {
		case r >= '0' && r <= '9':
			return r - '0'
		case r == 'F' || r == 'f':
			return 0x0F
		}
		return 0x0E
	}
	for i := 0; i < len(s); i += 2 {
		hi := nib(s[i])
		lo := byte(0x0F)
		if i+1 < len(s) {
			lo = nib(s[i+1])
		}
		out = append(out, hi<<4|lo)
	}
	return out
}

// panWire returns the digits of a BMP 22 value as on the wire: 0-9 as
// digits, E (and the undefined A-D) as 'E', stopping at an F pad nibble.
// The result can hold a full card number: pass it to drivers.MaskPAN at once
// and never keep it.
func panWire(b []byte) string {
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		for _, n := range [2]byte{c >> 4, c & 0x0F} {
			switch {
			case n <= 9:
				out = append(out, '0'+n)
			case n == 0x0F:
				return string(out)
			default:
				out = append(out, 'E')
			}
		}
	}
	return string(out)
}

// trimText drops NULs and surrounding spaces from a text field and returns
// it as UTF-8 (ASCII, with bytes 0x80-0xFF read as Latin-1).
func trimText(b []byte) string {
	i, j := 0, len(b)
	for j > i && (b[j-1] == 0 || b[j-1] == ' ') {
		j--
	}
	for i < j && (b[i] == ' ' || b[i] == 0) {
		i++
	}
	out := make([]rune, 0, j-i)
	for _, c := range b[i:j] {
		if c != 0 {
			out = append(out, rune(c)) // ASCII; bytes >= 0x80 read as Latin-1
		}
	}
	return string(out)
}
