package journalapi

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tillwatch/tillwatch/agent/detect"
)

// Decimals is the number of minor-unit digits of an ISO 4217 currency (2
// unless the currency has none or three).
func Decimals(currency string) int {
	s := detect.FormatMoney(1, currency) // "EUR 0.01", "JPY 1", "KWD 0.001"
	s = s[strings.LastIndexByte(s, ' ')+1:]
	_, frac, ok := strings.Cut(s, ".")
	if !ok {
		return 0
	}
	return len(frac)
}

// ParseAmount reads a decimal amount ("68", "68.0", "68.00", "-1.05") in
// minor units of currency. More decimals than the currency has is an
// error, not a rounding.
func ParseAmount(s, currency string) (int64, error) {
	d := Decimals(currency)
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" && frac == "" || len(frac) > d || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("journalapi: amount %q: want a decimal like 68.00 with at most %d decimals for %s", s, d, orNone(currency))
	}
	if whole == "" {
		whole = "0"
	}
	frac += strings.Repeat("0", d-len(frac))
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("journalapi: amount %q: %w", s, err)
	}
	if neg {
		v = -v
	}
	return v, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func orNone(currency string) string {
	if currency == "" {
		return "the lane's currency"
	}
	return currency
}
