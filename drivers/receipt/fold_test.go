package receipt

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
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

// foldRunesString is foldRunes as it was, each rune through
// cases.Caser.String: the reference for FuzzFoldRunes.
func foldRunesString(text string) folded {
	var b strings.Builder
	at := make([]int, 0, len(text)+1)
	c := cases.Fold()
	for i, r := range text {
		f := c.String(string(r))
		if r < utf8.RuneSelf {
			f = string(unicode.ToLower(r))
		}
		b.WriteString(f)
		for range len(f) {
			at = append(at, i)
		}
	}
	return folded{s: b.String(), at: append(at, len(text))}
}

// FuzzFoldRunes checks that foldRunes folds each rune into its buffer as
// cases.Caser.String does: same text, same offsets, invalid bytes too.
func FuzzFoldRunes(f *testing.F) {
	for _, s := range []string{"", "Rückgeld 1,00", "STRASSE Straße", "合计 ¥12", "ΐΰ ﬃ İ K ſ", "bad \xff\xfe", "Ꭰᏸ ς"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, want := foldRunes(text), foldRunesString(text)
		if got.s != want.s || !slices.Equal(got.at, want.at) {
			t.Fatalf("foldRunes(%q) = %q %v, want %q %v", text, got.s, got.at, want.s, want.at)
		}
	})
}

// FuzzFindASCII checks that findASCII finds in an ASCII line what find
// finds in its folded copy (what extractLine did before), with every
// built-in profile's labels.
func FuzzFindASCII(f *testing.F) {
	for _, s := range []string{"TOTAL 12.50", "Total: 7,00 EUR", "SUBTOTAL 3.00", "VISA 12.50", "Change Due $1.00", "KARTE 5,00", "bar 2,00", "BARGELD", "RECHNUNG NR. 12", "Cashier: Anna", "_total_", "Gesamt\tSumme", ""} {
		f.Add(s)
	}
	var sets []*matchers
	for _, name := range BuiltinNames() {
		p, err := Builtin(name)
		if err != nil {
			f.Fatal(err)
		}
		sets = append(sets, p.compile())
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !isASCII(text) {
			return
		}
		for _, ms := range sets {
			want := find(ms, fold(text).s)
			got := findASCII(ms, text, nil)
			if !slices.Equal(got, want) {
				t.Fatalf("findASCII(%q) = %v, find on the folded line %v", text, got, want)
			}
		}
	})
}
