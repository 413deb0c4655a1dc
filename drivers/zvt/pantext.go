package zvt

// maskTextPANs masks card numbers printed in receipt text (06 D1 / 06 D3),
// in place: every Luhn-valid run of 13 to 19 digits (single spaces or
// dashes allowed between digits) keeps its first 6 and last 4 digits, the
// others become '*'. Terminals should mask receipts themselves; this guards
// captures against one that does not.
func maskTextPANs(b []byte) {
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
			for _, p := range pos[6 : len(pos)-4] {
				b[p] = '*'
			}
		}
		i = j
	}
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// luhn checks the digits of b at positions pos with the Luhn algorithm.
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

// redactText masks card numbers in the text of a print command's data. A
// 06 D3 whose TLV cannot be walked is zeroed: its text cannot be checked.
func redactText(cmd uint16, data []byte) {
	switch cmd {
	case CmdPrintLine:
		if len(data) > 1 {
			maskTextPANs(data[1:])
		}
	case CmdPrintText:
		err := eachBMP(data, func(tag byte, v []byte, _ int) error {
			if tag != bmpTLV {
				return nil
			}
			return walkTLV(v, func(_, t uint32, val []byte) error {
				if t == tlvTextLine {
					maskTextPANs(val)
				}
				return nil
			})
		})
		if err != nil {
			clear(data)
		}
	}
}
