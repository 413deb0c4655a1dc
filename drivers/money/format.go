package money

import (
	"strconv"
	"strings"
)

// Format writes an amount in minor units with its ISO 4217 alpha code, as
// summaries and tables show it: "EUR 20.40", "CNY 68.00", "CLP 8000",
// "KWD 1.250", "EUR -1.05". Without a currency it writes the number only,
// with two decimals.
func Format(minor int64, code string) string {
	if code == "" {
		return Number(minor, code)
	}
	return code + " " + Number(minor, code)
}

// Number writes an amount in minor units as a plain decimal in the
// currency's digits, with no code and no group separators: "20.40",
// "8000", "1.250", "-0.05". Parse and ParsePrinted read it back.
func Number(minor int64, code string) string {
	d := Digits(code)
	u := uint64(minor)
	sign := ""
	if minor < 0 {
		sign = "-"
		u = -u // two's complement: right for math.MinInt64 too
	}
	s := strconv.FormatUint(u, 10)
	if d == 0 {
		return sign + s
	}
	if len(s) <= d {
		s = strings.Repeat("0", d-len(s)+1) + s
	}
	return sign + s[:len(s)-d] + "." + s[len(s)-d:]
}
