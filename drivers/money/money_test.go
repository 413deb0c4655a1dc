package money

import (
	"errors"
	"math"
	"testing"

	"golang.org/x/text/currency"
)

func TestDigits(t *testing.T) {
	for code, want := range map[string]int{
		"CNY": 2, "EUR": 2, "USD": 2, "": 2, "XXX": 2, "eur": 2,
		"CLP": 0, "JPY": 0, "KRW": 0, "ISK": 0, "VND": 0, "XOF": 0,
		"KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3, "IQD": 3, "LYD": 3,
		"CLF": 4, "UYW": 4,
	} {
		if got := Digits(code); got != want {
			t.Errorf("Digits(%q) = %d, want %d", code, got, want)
		}
	}
}

func TestAlphaNumeric(t *testing.T) {
	for n, a := range map[int]string{978: "EUR", 152: "CLP", 156: "CNY", 392: "JPY", 410: "KRW", 352: "ISK", 414: "KWD", 48: "BHD", 840: "USD", 999: ""} {
		if got := Alpha(n); got != a {
			t.Errorf("Alpha(%d) = %q, want %q", n, got, a)
		}
		if a != "" && Numeric(a) != n {
			t.Errorf("Numeric(%q) = %d, want %d", a, Numeric(a), n)
		}
	}
	seen := map[string]bool{}
	for _, c := range iso4217 {
		if seen[c.alpha] || len(c.alpha) != 3 || c.numeric <= 0 || c.numeric > 999 {
			t.Errorf("bad or duplicate entry %+v", c)
		}
		seen[c.alpha] = true
	}
}

// TestCLDRDigits pins why the table is not golang.org/x/text/currency's:
// CLDR's display digits agree with ISO 4217's minor units except for
// these currencies (and x/text does not know the newest codes).
func TestCLDRDigits(t *testing.T) {
	differs := map[string]bool{
		"AFN": true, "ALL": true, "AMD": true, "COP": true, "GYD": true, "MNT": true, "MUR": true, "PKR": true, "TZS": true, "UZS": true, "IDR": true, "IQD": true, "IRR": true, "KPW": true,
		"LAK": true, "LBP": true, "MGA": true, "MMK": true, "RSD": true, "SOS": true, "SYP": true, "YER": true,
	}
	for _, c := range iso4217 {
		u, err := currency.ParseISO(c.alpha)
		if err != nil {
			continue // MRU, SLE, UYW, VED, ZWG, ...: newer than x/text's data
		}
		scale, _ := currency.Standard.Rounding(u)
		if (scale != c.digits) != differs[c.alpha] {
			t.Errorf("%s: ISO 4217 %d digits, CLDR %d: update the table or the list of known differences", c.alpha, c.digits, scale)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		minor int64
		cur   string
		want  string
	}{
		{2040, "EUR", "EUR 20.40"},
		{6800, "CNY", "CNY 68.00"},
		{1500, "CLP", "CLP 1500"},
		{8000, "CLP", "CLP 8000"},
		{1500, "JPY", "JPY 1500"},
		{250000, "KRW", "KRW 250000"},
		{990, "ISK", "ISK 990"},
		{5, "EUR", "EUR 0.05"},
		{0, "EUR", "EUR 0.00"},
		{-10800, "EUR", "EUR -108.00"},
		{-5, "USD", "USD -0.05"},
		{1234, "KWD", "KWD 1.234"},
		{5, "BHD", "BHD 0.005"},
		{-1250, "OMR", "OMR -1.250"},
		{10000, "CLF", "CLF 1.0000"},
		{2040, "", "20.40"},
		{math.MinInt64, "EUR", "EUR -92233720368547758.08"},
		{math.MinInt64, "JPY", "JPY -9223372036854775808"},
	} {
		if got := Format(c.minor, c.cur); got != c.want {
			t.Errorf("Format(%d, %q) = %q, want %q", c.minor, c.cur, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"68.00", "CNY", 6800, true},
		{"68", "CNY", 6800, true},
		{"68.5", "CNY", 6850, true},
		{" -1.05 ", "EUR", -105, true},
		{".5", "EUR", 50, true},
		{"1500", "CLP", 1500, true},
		{"1500.00", "CLP", 1500, true},
		{"8000", "JPY", 8000, true},
		{"250000", "KRW", 250000, true},
		{"990", "ISK", 990, true},
		{"1.234", "KWD", 1234, true},
		{"1.5", "BHD", 1500, true},
		{"1", "KWD", 1000, true},
		{"1500", "", 150000, true},
		{"1.234", "CNY", 0, false},
		{"1.5", "CLP", 0, false},
		{"1.2345", "KWD", 0, false},
		{"1,500", "CLP", 0, false},
		{"¥68", "CNY", 0, false},
		{"", "EUR", 0, false},
		{".", "EUR", 0, false},
		{"-", "EUR", 0, false},
		{"--1", "EUR", 0, false},
		{"1e3", "EUR", 0, false},
		{"9999999999999999", "JPY", 0, false},
		{"999999999999999", "KWD", 999999999999999000, true},
	} {
		got, err := Parse(c.in, c.cur)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("Parse(%q, %q) = %d, %v; want %d, ok %v", c.in, c.cur, got, err, c.want, c.ok)
		}
		if err != nil && !errors.Is(err, ErrAmount) {
			t.Errorf("Parse(%q, %q): %v does not wrap ErrAmount", c.in, c.cur, err)
		}
	}
}

func TestParsePrinted(t *testing.T) {
	for _, c := range []struct {
		in, cur string
		want    int64
		ok      bool
		money   bool
	}{
		{"68.00", "", 6800, true, true},
		{"¥68.00", "CNY", 6800, true, true},
		{"￥ 68.00", "CNY", 6800, true, true},
		{"RMB 1,234.50", "CNY", 123450, true, true},
		{"-12.30", "", -1230, true, true},
		{"12.30-", "", -1230, true, true},
		{"(12.30)", "", -1230, true, true},
		{"¥-8.00", "", -800, true, true},
		{"68.00元", "", 6800, true, true},
		{"68元", "", 6800, true, true},
		{"$ 14.25", "USD", 1425, true, true},
		{"EUR 12,50", "EUR", 1250, true, true},
		{"1.234,50", "EUR", 123450, true, true},
		{"1,234,567.89", "", 123456789, true, true},
		{"６８．００", "", 6800, true, true},
		{"0.5", "", 50, true, true},
		{"68", "EUR", 6800, true, false},
		{" 0.00 ", "", 0, true, true},
		{"1,23", "", 123, true, true},
		{"8.000", "EUR", 800000, true, false},
		// Zero-decimal currencies: every amount is a plain integer.
		{"8000", "CLP", 8000, true, true},
		{"$8.000", "CLP", 8000, true, true},
		{"8.000", "CLP", 8000, true, true},
		{"1.234.567", "CLP", 1234567, true, true},
		{"8000.00", "CLP", 8000, true, true},
		{"8000.50", "CLP", 0, false, false},
		{"¥1,500", "JPY", 1500, true, true},
		{"1500円", "JPY", 1500, true, true},
		{"₩250,000", "KRW", 250000, true, true},
		{"250000원", "KRW", 250000, true, true},
		{"ISK 990", "ISK", 990, true, true},
		// Three decimals: three digits after the last mark are decimals.
		{"1.250", "KWD", 1250, true, true},
		{"KWD 12,500", "KWD", 12500, true, true},
		{"1,250.500", "KWD", 1250500, true, true},
		{"0.5", "BHD", 500, true, true},
		{"3", "OMR", 3000, true, false},
		{"1.2345", "JOD", 0, false, false},
		// Not amounts.
		{"", "", 0, false, false},
		{"abc", "", 0, false, false},
		{"2016-5-6", "", 0, false, false},
		{"21:32:49", "", 0, false, false},
		{"12.345.67", "", 0, false, false},
		{"12.3.4", "", 0, false, false},
		{"4111****1111", "", 0, false, false},
		{"9999999999999999.00", "", 0, false, false},
		{"¥", "", 0, false, false},
		{"--", "", 0, false, false},
		{"1,,000", "", 0, false, false},
	} {
		p, ok := ParsePrinted(c.in, c.cur)
		if p.Minor != c.want || ok != c.ok || p.Money != c.money {
			t.Errorf("ParsePrinted(%q, %q) = %+v, %v; want %d, %v, money %v", c.in, c.cur, p, ok, c.want, c.ok, c.money)
		}
	}
}

// TestLast: the last money-like amount of a line wins; counts, dates and
// clock times never do.
func TestLast(t *testing.T) {
	for _, c := range []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"TOTAL 2 x 3.50 7.00", "EUR", 700, true},
		{"TOTAL 7.00 QTY 2", "EUR", 700, true},
		{"TOTAL 8000", "EUR", 0, false},
		{"TOTAL 8000", "CLP", 8000, true},
		{"TOTAL $8.000", "CLP", 8000, true},
		{"TOTAL 2 x 3500 7000", "CLP", 7000, true},
		{"TOTAL 7000 10:15", "CLP", 7000, true},
		{"TOTAL 7000 2026-11-22", "CLP", 7000, true},
		{"FECHA 22/11/2026", "CLP", 0, false},
		{"合计 ¥1,500", "JPY", 1500, true},
		{"TOTAL 1.250 KD", "KWD", 1250, true},
		{"CASH 20.00 CHANGE -0.60", "EUR", -60, true},
	} {
		got, ok := Last(c.in, c.cur)
		if got != c.want || ok != c.ok {
			t.Errorf("Last(%q, %q) = %d, %v; want %d, %v", c.in, c.cur, got, ok, c.want, c.ok)
		}
	}
}
