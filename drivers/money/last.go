package money

import "strings"

// Last returns the last money-like amount (Printed.Money) in a line of
// printed text, in minor units of code: "TOTAL 2 x 3.50 7.00" gives 700;
// on a CLP lane "TOTAL 8000" gives 8000. Numbers that are part of a date
// or a clock time ("2026-11-22", "10:15", "22/11") never count.
func Last(text, code string) (int64, bool) {
	var buf [16][2]int
	found := candidates(text, buf[:0])
	for i := len(found) - 1; i >= 0; i-- {
		start, end := found[i][0], found[i][1]
		if inDateOrTime(text, start, end) {
			continue
		}
		if p, ok := ParsePrinted(text[start:end], code); ok && p.Money {
			return p.Minor, true
		}
	}
	return 0, false
}

// inDateOrTime reports whether text[start:end] touches a date or time
// separator next to another number: "10:15", "22/11", "2026-11-22".
func inDateOrTime(text string, start, end int) bool {
	digitAt := func(i int) bool { return i >= 0 && i < len(text) && text[i] >= '0' && text[i] <= '9' }
	if start > 0 && strings.IndexByte(":/-", text[start-1]) >= 0 && digitAt(start-2) {
		return true
	}
	if end < len(text) && strings.IndexByte(":/", text[end]) >= 0 && digitAt(end+1) {
		return true
	}
	// "2026-11-22": a minus glued between two digit runs.
	s := text[start:end]
	if strings.HasSuffix(s, "-") && digitAt(end) {
		return true
	}
	if strings.HasPrefix(s, "-") && digitAt(start-1) {
		return true
	}
	return false
}
