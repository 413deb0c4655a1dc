package money

import "testing"

// fuzzCurrencies are the currencies the fuzz targets try: every digit
// count there is.
var fuzzCurrencies = []string{"", "CNY", "EUR", "CLP", "JPY", "KRW", "ISK", "KWD", "BHD", "CLF"}

// FuzzParse: never panics, and what it accepts prints (Number) as text it
// reads back as the same amount, in every currency.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"68.00", "68", "-1.05", ".5", "1500", "1.234", "8000.00", "9223372036854775807", "1e3", "--1"} {
		for _, cur := range fuzzCurrencies {
			f.Add(s, cur)
		}
	}
	f.Fuzz(func(t *testing.T, s, cur string) {
		v, err := Parse(s, cur)
		if err != nil {
			return
		}
		back, err := Parse(Number(v, cur), cur)
		if err != nil || back != v {
			t.Fatalf("Parse(%q, %q) = %d prints %q, which reads %d, %v", s, cur, v, Number(v, cur), back, err)
		}
	})
}

// FuzzParsePrinted: never panics, stays in range, and what it reads
// prints (Format, with its code as the mark) as text it reads back the
// same, as money.
func FuzzParsePrinted(f *testing.F) {
	for _, s := range []string{"68.00", "¥68.00", "RMB 1,234.50", "-12.30", "68.00元", "1.234,50", "(1.00)", "６８．００", "12.30-", "$8.000", "1.250", "₩250,000"} {
		for _, cur := range fuzzCurrencies {
			f.Add(s, cur)
		}
	}
	f.Fuzz(func(t *testing.T, s, cur string) {
		p, ok := ParsePrinted(s, cur)
		if !ok {
			return
		}
		if p.Minor > 1e18 || p.Minor < -1e18 {
			t.Fatalf("ParsePrinted(%q, %q) = %d: out of range", s, cur, p.Minor)
		}
		back := Number(p.Minor, cur)
		if q, ok := ParsePrinted(back, cur); !ok || q.Minor != p.Minor {
			t.Fatalf("ParsePrinted(%q, %q) = %d, but %q reads %+v, %v", s, cur, p.Minor, back, q, ok)
		}
	})
}

// FuzzLast: never panics; what it finds is an amount ParsePrinted reads
// as money somewhere in the text.
func FuzzLast(f *testing.F) {
	for _, s := range []string{"TOTAL 2 x 3.50 7.00", "TOTAL 8000", "合计 ¥1,500 10:15", "2026-11-22 8000"} {
		for _, cur := range fuzzCurrencies {
			f.Add(s, cur)
		}
	}
	f.Fuzz(func(t *testing.T, s, cur string) {
		v, ok := Last(s, cur)
		if ok && (v > 1e18 || v < -1e18) {
			t.Fatalf("Last(%q, %q) = %d: out of range", s, cur, v)
		}
	})
}
