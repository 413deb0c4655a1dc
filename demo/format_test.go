package demo

import "testing"

// TestPad: wide characters take two columns, so a Chinese title pads to
// the same terminal width as an English one.
func TestPad(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"Card paid, no receipt", 24, "Card paid, no receipt   "},
		{"刷卡未出票", 12, "刷卡未出票  "},
		{"ＡＢ", 6, "ＡＢ  "},
		{"longer than the column", 4, "longer than the column"},
	} {
		if got := pad(tc.in, tc.n); got != tc.want {
			t.Errorf("pad(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
