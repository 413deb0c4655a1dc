package money

import (
	"strings"
	"testing"
	"unicode"
)

// The functions below are ParsePrintedDigits as it was before its fast
// paths (no mark loop for a bare number, no group split without
// separators, foldWidth returning ASCII text as is, join without
// concatenating): the reference FuzzParsePrintedSame compares it with.

func parsePrintedDigitsRef(s string, d int) (p Printed, ok bool) {
	if d < 0 || d > MaxDigits {
		return p, false
	}
	s = strings.TrimSpace(foldWidthRef(s))
	neg, mark := false, false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	// Signs and currency marks, in any order, on both ends.
	for changed := true; changed && s != ""; {
		changed = false
		switch {
		case strings.HasPrefix(s, "-"):
			neg, s, changed = !neg, strings.TrimSpace(s[1:]), true
		case strings.HasPrefix(s, "+"):
			s, changed = strings.TrimSpace(s[1:]), true
		case strings.HasSuffix(s, "-"):
			neg, s, changed = !neg, strings.TrimSpace(s[:len(s)-1]), true
		}
		for _, m := range marks {
			if strings.HasPrefix(s, m) {
				s, changed, mark = strings.TrimSpace(s[len(m):]), true, true
			} else if strings.HasSuffix(s, m) {
				s, changed, mark = strings.TrimSpace(s[:len(s)-len(m)]), true, true
			}
		}
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return p, false
	}
	whole, frac, decimals, ok := splitDecimalRef(s, d)
	if !ok {
		return p, false
	}
	v, ok := joinRef(whole, frac, d)
	if !ok {
		return p, false
	}
	if neg {
		v = -v
	}
	return Printed{Minor: v, Money: decimals || mark || d == 0}, true
}

func splitDecimalRef(s string, d int) (whole, frac string, decimals, ok bool) {
	intPart := s
	if i := strings.LastIndexAny(s, ".,"); i >= 0 {
		tail := s[i+1:]
		switch n := len(tail); {
		case n == 0 || !allDigits(tail):
			return "", "", false, false
		case n <= max(d, 2):
			if strings.IndexByte(s[:i], s[i]) >= 0 { // "12.345.67"
				return "", "", false, false
			}
			var extra bool
			if frac, extra = cutZeros(tail, d); extra {
				return "", "", false, false
			}
			intPart, decimals = s[:i], true
		case n != 3: // 3 digits: a group separator
			return "", "", false, false
		}
	}
	groups := strings.FieldsFunc(intPart, func(r rune) bool { return r == ',' || r == '.' || r == '\'' })
	if len(groups) == 0 || strings.Count(intPart, ",")+strings.Count(intPart, ".")+strings.Count(intPart, "'") != len(groups)-1 {
		return "", "", false, false
	}
	for j, g := range groups {
		if !allDigits(g) || (j > 0 && len(g) != 3) || (j == 0 && len(groups) > 1 && len(g) > 3) {
			return "", "", false, false
		}
	}
	return strings.Join(groups, ""), frac, decimals, true
}

func foldWidthRef(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．':
			return '.'
		case r == '，':
			return ','
		case r == '－' || r == '−':
			return '-'
		case r == '＋':
			return '+'
		case r == '（':
			return '('
		case r == '）':
			return ')'
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, s)
}

func joinRef(whole, frac string, d int) (int64, bool) {
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > maxWhole || len(whole)+d > maxAll {
		return 0, false
	}
	var v int64
	for _, c := range whole + frac + strings.Repeat("0", d-len(frac)) {
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// FuzzParsePrintedSame: ParsePrintedDigits gives what the version before
// its fast paths gave, for any text and number of decimals.
func FuzzParsePrintedSame(f *testing.F) {
	for _, s := range []string{"68.00", "¥68.00", "RMB 1,234.50", "-12.30", "68.00元", "1.234,50", "(1.00)", "６８．００", "12.30-", "$8.000", "1.250", "₩250,000", "12\t", "0007", "1'000.5", " 42 ", "12,5", ""} {
		for d := range 5 {
			f.Add(s, d)
		}
	}
	f.Fuzz(func(t *testing.T, s string, d int) {
		d %= MaxDigits + 2
		got, gok := ParsePrintedDigits(s, d)
		want, wok := parsePrintedDigitsRef(s, d)
		if got != want || gok != wok {
			t.Fatalf("ParsePrintedDigits(%q, %d) = %+v %v, before %+v %v", s, d, got, gok, want, wok)
		}
	})
}
