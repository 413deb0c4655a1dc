package receipt

import (
	"fmt"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"68.00", 6800, true},
		{"¥68.00", 6800, true},
		{"￥ 68.00", 6800, true},
		{"RMB 1,234.50", 123450, true},
		{"-12.30", -1230, true},
		{"12.30-", -1230, true},
		{"(12.30)", -1230, true},
		{"¥-8.00", -800, true},
		{"68.00元", 6800, true},
		{"68元", 6800, true},
		{"$ 14.25", 1425, true},
		{"EUR 12,50", 1250, true},
		{"1.234,50", 123450, true},
		{"1,234,567.89", 123456789, true},
		{"６８．００", 6800, true},
		{"0.5", 50, true},
		{"68", 6800, true},
		{" 0.00 ", 0, true},
		{"", 0, false},
		{"abc", 0, false},
		{"2016-5-6", 0, false},
		{"21:32:49", 0, false},
		{"12.345.67", 0, false},
		{"1,23", 123, true}, // a decimal comma
		{"12.3.4", 0, false},
		{"4111****1111", 0, false},
		{"9999999999999999.00", 0, false},
		{"¥", 0, false},
		{"--", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseAmount(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzParseAmount: never panics, and what it reads prints back the same.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"68.00", "¥68.00", "RMB 1,234.50", "-12.30", "68.00元", "1.234,50", "(1.00)", "６８．００", "12.30-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseAmount(s)
		if !ok {
			return
		}
		if v > 1e17 || v < -1e17 {
			t.Fatalf("ParseAmount(%q) = %d: out of range", s, v)
		}
		sign, abs := "", v
		if v < 0 {
			sign, abs = "-", -v
		}
		back := fmt.Sprintf("%s%d.%02d", sign, abs/100, abs%100)
		if w, ok := ParseAmount(back); !ok || w != v {
			t.Fatalf("ParseAmount(%q) = %d, but %q reads %d, %v", s, v, back, w, ok)
		}
	})
}
