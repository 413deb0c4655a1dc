package drivers

// MaskTextPANs masks card numbers printed in free text (receipt and slip
// lines, terminal voucher text, log lines), in place. Every Luhn-valid run
// of 13 to 19 digits, single spaces or dashes allowed between the digits,
// keeps the digits MaskPAN keeps (first 6, last 4); the others become '*'.
// Digits right after such a run and a track-2 separator ('=' or 'D') are
// track data and all become '*'. Devices should never print full numbers;
// this keeps them out of journals, captures and alerts when one does. It is
// the text counterpart of MaskPAN, shared by every decoder.
func MaskTextPANs(b []byte) {
	var pos, bounds []int
	for i := 0; i < len(b); {
		if !isDigit(b[i]) {
			i++
			continue
		}
		// A run of digit groups: pos holds the digits' offsets, bounds
		// the indexes in pos where a group starts.
		pos, bounds = pos[:0], append(bounds[:0], 0)
		j := i
		for j < len(b) {
			if isDigit(b[j]) {
				pos = append(pos, j)
				j++
				continue
			}
			if (b[j] == ' ' || b[j] == '-') && j+1 < len(b) && isDigit(b[j+1]) {
				bounds = append(bounds, len(pos))
				j++
				continue
			}
			break
		}
		bounds = append(bounds, len(pos))
		maskRun(b, pos, bounds, j)
		i = j
	}
}

// maskRun masks, from the left, the longest whole-group windows of 13 to
// 19 digits that pass the Luhn check (a "Table 2" or "Qty 1" before a card
// number must not hide it), and the track data after a window that ends
// the run. end is the offset just past the run.
func maskRun(b []byte, pos, bounds []int, end int) {
	last := len(bounds) - 1
	for a := 0; a < last; a++ {
		for z := last; z > a; z-- {
			w := pos[bounds[a]:bounds[z]]
			if len(w) < 13 || len(w) > 19 || !luhnAt(b, w) {
				continue
			}
			for _, p := range w[6 : len(w)-4] {
				b[p] = MaskChar
			}
			if z == last && end < len(b) && (b[end] == '=' || b[end] == 'D') {
				for k := end + 1; k < len(b) && isDigit(b[k]); k++ {
					b[k] = MaskChar
				}
			}
			a = z - 1
			break
		}
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// luhnAt checks the digits of b at positions pos with the Luhn algorithm.
func luhnAt(b []byte, pos []int) bool {
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
