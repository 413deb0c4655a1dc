package receipt

import (
	"slices"
	"testing"
)

// FuzzFoldASCII checks that fold's ASCII fast path gives what the general
// rune-by-rune fold gives: the same folded text and the same offsets.
func FuzzFoldASCII(f *testing.F) {
	for _, s := range []string{"", "TOTAL 12.50", "total", "Change Due: $1.00", "\x00\x7f[`@{", "Rückgeld 1,00", "合计 ¥12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fast, ok := foldASCII(text)
		if !ok {
			return
		}
		slow := foldRunes(text)
		if fast.s != slow.s {
			t.Fatalf("fold(%q) = %q, want %q", text, fast.s, slow.s)
		}
		at := make([]int, len(fast.s)+1)
		for i := range at {
			at[i] = fast.orig(i)
		}
		if !slices.Equal(at, slow.at) {
			t.Fatalf("fold(%q) offsets %v, want %v", text, at, slow.at)
		}
	})
}
