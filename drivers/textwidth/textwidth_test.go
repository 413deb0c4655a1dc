package textwidth

import (
	"testing"

	"golang.org/x/text/width"
)

// TestWide: full-width CJK, Hangul and fullwidth forms take two columns;
// ASCII, halfwidth katakana and the ambiguous class one.
func TestWide(t *testing.T) {
	for _, tc := range []struct {
		r    rune
		wide bool
	}{
		{'A', false}, {'1', false}, {' ', false},
		{'合', true}, {'。', true}, {'，', true}, {'￥', true}, {'（', true}, {'한', true}, {'ᄀ', true}, // U+1100 Hangul Jamo
		{'ｱ', false}, {'ﾟ', false}, // U+FF71, U+FF9F: halfwidth katakana
		{'×', false}, {'°', false}, {'·', false}, {'Ж', false}, {'€', false},
		{0x20000, true}, // CJK Extension B, encodable in GB18030
		{'\uFFFD', false},
	} {
		if got := Wide(tc.r); got != tc.wide {
			t.Errorf("Wide(%q U+%04X) = %v, want %v", tc.r, tc.r, got, tc.wide)
		}
	}
}

// TestShortcuts: Wide's shortcuts answer as the table does, for every
// code point.
func TestShortcuts(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		k := width.LookupRune(r).Kind()
		if want := k == width.EastAsianWide || k == width.EastAsianFullwidth; Wide(r) != want {
			t.Fatalf("Wide(U+%04X) = %v, the table says %v", r, Wide(r), k)
		}
	}
}
