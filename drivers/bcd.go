package drivers

// MaskBCDPAN masks a card number held as packed BCD (ZVT BMP 22, EMV tag
// 5A, a template's bcd card field) in place, by MaskPAN's rules: the
// digits except the first 6 and the last 4 (all but the last 4 for 10
// digits or fewer) become E nibbles, the masked digit of ZVT and EMV. The
// number ends at an F nibble (padding) or a D nibble (the track-2
// separator); every nibble after a D up to the padding is track data and
// becomes E too. E nibbles already there count as digits.
func MaskBCDPAN(v []byte) {
	n := 0
	for n < 2*len(v) && nibble(v, n) != 0x0D && nibble(v, n) != 0x0F {
		n++
	}
	head := 6
	if n <= 10 {
		head = 0
	}
	for i := head; i < n-4; i++ {
		setNibble(v, i, 0x0E)
	}
	if n < 2*len(v) && nibble(v, n) == 0x0D {
		for i := n + 1; i < 2*len(v) && nibble(v, i) != 0x0F; i++ {
			setNibble(v, i, 0x0E)
		}
	}
}

// nibble returns nibble i of v, high nibble first.
func nibble(v []byte, i int) byte {
	if i%2 == 0 {
		return v[i/2] >> 4
	}
	return v[i/2] & 0x0F
}

// setNibble sets nibble i of v to x.
func setNibble(v []byte, i int, x byte) {
	if i%2 == 0 {
		v[i/2] = x<<4 | v[i/2]&0x0F
	} else {
		v[i/2] = v[i/2]&0xF0 | x
	}
}
