package money

import (
	"errors"
	"fmt"
	"strings"
)

// ErrAmount is wrapped by every error Parse returns.
var ErrAmount = errors.New("not an amount")

// maxWhole bounds the digits before the decimal point: a quadrillion is
// no till's amount. maxAll bounds whole and minor digits together, so
// every amount is below 10**18 and sums of a few still fit an int64.
const (
	maxWhole = 15
	maxAll   = 18
)

// Parse reads an amount a person typed (a CLI flag, a remote command's
// argument) in minor units of the currency: "68", "68.0", "68.00", "-1.05",
// ".5"; "8000" on a CLP lane is 8000 pesos, on a EUR lane 8000.00 euros.
// A decimal point and digits only: no group separators, no currency
// marks. More decimals than the currency has is an error unless they are
// zeros ("8000.00" on a CLP lane), never a rounding.
func Parse(s, code string) (int64, error) {
	d := Digits(code)
	t := strings.TrimSpace(s)
	neg := false
	if rest, ok := strings.CutPrefix(t, "-"); ok {
		neg, t = true, rest
	}
	whole, frac, _ := strings.Cut(t, ".")
	empty := whole == "" && frac == ""
	frac, extra := cutZeros(frac, d)
	if empty || !allDigits(whole) || !allDigits(frac) || extra {
		return 0, fmt.Errorf("money: amount %q: want a decimal like %s with at most %d decimals for %s: %w",
			s, Number(6800*pow10(d)/100, code), d, orLane(code), ErrAmount)
	}
	v, ok := join(whole, frac, d)
	if !ok {
		return 0, fmt.Errorf("money: amount %q: more than %d digits before the decimal point: %w", s, maxWhole, ErrAmount)
	}
	if neg {
		v = -v
	}
	return v, nil
}

// cutZeros drops the decimals beyond d when they are zeros; extra reports
// decimals beyond d that are not.
func cutZeros(frac string, d int) (string, bool) {
	if len(frac) <= d {
		return frac, false
	}
	if strings.Trim(frac[d:], "0") != "" {
		return frac, true
	}
	return frac[:d], false
}

// join turns whole units and up to d decimals (ASCII digits) into minor
// units; false when whole has more than maxWhole digits, or whole and
// minor digits more than maxAll.
func join(whole, frac string, d int) (int64, bool) {
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > maxWhole || len(whole)+d > maxAll {
		return 0, false
	}
	var v int64
	for _, part := range [2]string{whole, frac} { // whole, frac and zeros to d decimals, not concatenated
		for i := range len(part) {
			v = v*10 + int64(part[i]-'0')
		}
	}
	for range d - len(frac) {
		v *= 10
	}
	return v, true
}

// pow10 is 10**n for small n.
func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}

// allDigits reports whether s holds ASCII digits only ("" does).
func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func orLane(code string) string {
	if code == "" {
		return "the lane's currency"
	}
	return code
}
