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
//
// Masking is idempotent: a run that touches an already masked number (its
// visible first 6 or last 4 digits, next to the masked ones) never joins
// its groups to them, so a second pass cannot read "2101504 411111" out of
// "2101504 411111******1111" and mask the unrelated 2101504. A window of
// several groups may not start with the run's first group when a masked
// number ends right before the run, nor end with its last group when one
// starts right after; a single group of 13 or more digits is no part of a
// masked number and is masked wherever it stands.
func maskRun(b []byte, pos, bounds []int, end int) {
	last := len(bounds) - 1
	touchL, touchR := masksBefore(b, pos[0]), masksAfter(b, end)
	for a := 0; a < last; a++ {
		for z := last; z > a; z-- {
			w := pos[bounds[a]:bounds[z]]
			if len(w) < 13 || len(w) > 19 || !luhnAt(b, w) {
				continue
			}
			if z-a > 1 && (a == 0 && touchL || z == last && touchR) {
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

// minMasked is the fewest mask characters a masked card number has (13
// digits, 6 + 4 kept).
const minMasked = 3

// masksBefore reports whether a masked card number ends right before
// offset i: at least minMasked mask characters, separators (a space or a
// dash) allowed between and after them.
func masksBefore(b []byte, i int) bool {
	n := 0
	for i--; i >= 0 && (b[i] == MaskChar || (b[i] == ' ' || b[i] == '-') && i > 0 && b[i-1] != b[i]); i-- {
		if b[i] == MaskChar {
			n++
		}
	}
	return n >= minMasked
}

// masksAfter reports whether a masked card number starts right at offset
// i (the mirror of masksBefore).
func masksAfter(b []byte, i int) bool {
	n := 0
	for ; i < len(b) && (b[i] == MaskChar || (b[i] == ' ' || b[i] == '-') && i+1 < len(b) && b[i+1] != b[i]); i++ {
		if b[i] == MaskChar {
			n++
		}
	}
	return n >= minMasked
}

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
