package money

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// marks are the currency signs and codes a printed amount may carry,
// before or after the number, longest first where one holds another.
var marks = []string{
	"RMB", "CNY", "USD", "EUR", "GBP", "HKD", "CHF", "JPY", "AUD", "CAD", "SGD", "TWD", "MOP",
	"CLP", "KRW", "ISK", "KWD", "BHD", "OMR", "JOD", "TND",
	"¥", "￥", "$", "€", "£", "₩", "元", "圆", "円", "원",
}

// Printed is an amount read from printed text (a receipt, a card slip, a
// bank statement).
type Printed struct {
	// Minor is the amount in minor units of the currency it was read in.
	Minor int64
	// Money says the text looked like money rather than a count, a date
	// or a time: it had decimals or a currency mark, or the currency has
	// no minor unit (where every amount prints as a plain integer).
	Money bool
}

// ParsePrinted reads one printed amount in minor units of code: "68.00",
// "¥68.00", "RMB 1,234.50", "-12.30", "12.30-", "(12.30)", "68.00元",
// "1.234,50", "６８．００"; on a CLP lane "$8.000" and "8000" are 8000
// pesos, on a KWD lane "1.250" is 1250 fils. The last '.' or ',' is the
// decimal mark when at most the currency's digits follow it (at most 2
// for a currency without minor unit, which must then be zeros); three
// digits after it make it a group separator unless the currency has three
// or more digits. An integer counts as whole units. ok is false when s is
// not one amount.
func ParsePrinted(s, code string) (p Printed, ok bool) {
	return ParsePrintedDigits(s, Digits(code))
}

// ParsePrintedDigits is ParsePrinted for amounts counted in units of
// 10**-digits (0..MaxDigits), whatever the currency: a device protocol
// whose amounts carry a fixed number of decimals.
func ParsePrintedDigits(s string, d int) (p Printed, ok bool) {
	if d < 0 || d > MaxDigits {
		return p, false
	}
	s = strings.TrimSpace(foldWidth(s))
	neg, mark := false, false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	// Signs and currency marks, in any order, on both ends. None begins or
	// ends with a digit: a number printed bare (most) has none to take off.
	bare := s != "" && isDigit(s[0]) && isDigit(s[len(s)-1])
	for changed := !bare; changed && s != ""; {
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
	whole, frac, decimals, ok := splitDecimal(s, d)
	if !ok {
		return p, false
	}
	v, ok := join(whole, frac, d)
	if !ok {
		return p, false
	}
	if neg {
		v = -v
	}
	return Printed{Minor: v, Money: decimals || mark || d == 0}, true
}

// splitDecimal splits a printed number into its whole units (group
// separators removed) and at most d decimals (decimals beyond d must be
// zeros and are dropped); decimals says it had a decimal mark. Groups
// after the first must have 3 digits.
func splitDecimal(s string, d int) (whole, frac string, decimals, ok bool) {
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
	if intPart != "" && allDigits(intPart) { // no groups: what the rest gives, without allocating
		return intPart, frac, decimals, true
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

// foldWidth turns full-width digits, points, commas, signs and spaces into
// their ASCII forms.
func foldWidth(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf && (s[i] < '\t' || s[i] > '\r') // ASCII but no space other than ' '
	}
	if ascii {
		return s // nothing to fold; strings.Map would call the function per byte
	}
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

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
