package receipt

import (
	"strings"
	"unicode"
)

// currencyMarks are the currency signs and codes an amount may carry,
// before or after the number.
var currencyMarks = []string{
	"RMB", "CNY", "USD", "EUR", "GBP", "HKD", "CHF", "JPY", "AUD", "CAD", "SGD", "TWD", "MOP",
	"¥", "￥", "$", "€", "£", "元", "圆", "円",
}

// ParseAmount reads a printed amount into minor units (two decimals):
// "68.00", "¥68.00", "RMB 1,234.50", "-12.30", "12.30-", "(12.30)",
// "68.00元", "1.234,50", "６８．００". An integer ("68") counts as whole
// units. ok is false when s is not one amount.
func ParseAmount(s string) (minor int64, ok bool) {
	a, ok := parseAmount(s)
	return a.minor, ok
}

// amount is a parsed amount and how money-like it looked.
type amount struct {
	minor    int64
	decimals bool // had a decimal part
	currency bool // had a currency mark
}

// money reports whether the amount looks like money rather than a count.
func (a amount) money() bool { return a.decimals || a.currency }

func parseAmount(s string) (amount, bool) {
	var a amount
	s = strings.TrimSpace(foldWidth(s))
	neg := false
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
		for _, m := range currencyMarks {
			if strings.HasPrefix(s, m) {
				s, changed, a.currency = strings.TrimSpace(s[len(m):]), true, true
			} else if strings.HasSuffix(s, m) {
				s, changed, a.currency = strings.TrimSpace(s[:len(s)-len(m)]), true, true
			}
		}
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return a, false
	}
	intPart, frac, ok := splitDecimal(s)
	if !ok {
		return a, false
	}
	var v int64
	digits := 0
	for _, c := range intPart {
		if c == ',' || c == '.' || c == '\'' {
			continue
		}
		if c < '0' || c > '9' {
			return a, false
		}
		digits++
		if digits > 15 {
			return a, false
		}
		v = v*10 + int64(c-'0')
	}
	v *= 100
	if frac != "" {
		a.decimals = true
		f := int64(frac[0]-'0') * 10
		if len(frac) == 2 {
			f += int64(frac[1] - '0')
		}
		v += f
	}
	if neg {
		v = -v
	}
	a.minor = v
	return a, true
}

// splitDecimal splits a number into its integer part (with group
// separators) and its 1-2 decimal digits. The last '.' or ',' is the
// decimal mark when 1 or 2 digits follow it; groups must be 3 digits.
func splitDecimal(s string) (intPart, frac string, ok bool) {
	i := strings.LastIndexAny(s, ".,")
	if i >= 0 {
		tail := s[i+1:]
		if n := len(tail); (n == 1 || n == 2) && allDigits(tail) {
			intPart, frac = s[:i], tail
			if strings.IndexByte(intPart, s[i]) >= 0 { // "12.345.67"
				return "", "", false
			}
		} else if n == 3 && allDigits(tail) {
			intPart = s // a group separator
		} else {
			return "", "", false
		}
	} else {
		intPart = s
	}
	// Groups after the first separator must have 3 digits.
	groups := strings.FieldsFunc(intPart, func(r rune) bool { return r == ',' || r == '.' || r == '\'' })
	if len(groups) == 0 || strings.Count(intPart, ",")+strings.Count(intPart, ".")+strings.Count(intPart, "'") != len(groups)-1 {
		return "", "", false
	}
	for j, g := range groups {
		if !allDigits(g) || (j > 0 && len(g) != 3) || (j == 0 && len(groups) > 1 && len(g) > 3) {
			return "", "", false
		}
	}
	return intPart, frac, true
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// foldWidth turns full-width digits, points, commas, signs and spaces into
// their ASCII forms.
func foldWidth(s string) string {
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
