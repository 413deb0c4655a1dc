package receipt

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
)

// folded is a line in Unicode full case folding ("RÜCKGELD" and
// "Rückgeld" both read "rückgeld", "STRASSE" and "Straße" both
// "strasse"), with the byte offset in the original line of every folded
// byte, so that what a label found can be read from the original text.
type folded struct {
	s  string
	at []int // at[i] is the original offset of s[i]; at[len(s)] = len(original); nil: i
}

// fold case-folds text rune by rune (full case folding maps single runes,
// so this is the same as folding the whole string) and keeps the offsets.
func fold(text string) folded {
	if f, ok := foldASCII(text); ok {
		return f
	}
	return foldRunes(text)
}

// foldRunes is fold for any text.
func foldRunes(text string) folded {
	var b strings.Builder
	b.Grow(len(text))
	at := make([]int, 0, len(text)+1)
	var caser *cases.Caser // only for non-ASCII runes; a Caser is not safe to share
	var buf []byte         // a rune's folding (at most 3 runes), then the rune: escapes to the Caser once per line
	for i, r := range text {
		var f []byte
		switch {
		case r < utf8.RuneSelf:
			f = []byte{byte(unicode.ToLower(r))}
		default:
			if caser == nil {
				c := cases.Fold()
				caser, buf = &c, make([]byte, 32+utf8.UTFMax)
			}
			f = foldRune(caser, r, buf)
		}
		b.Write(f)
		for range len(f) {
			at = append(at, i)
		}
	}
	return folded{s: b.String(), at: append(at, len(text))}
}

// foldRune is caser.String(string(r)), written into buf's memory (32
// bytes for the result, utf8.UTFMax for the rune) when it fits: String
// allocates twice.
func foldRune(caser *cases.Caser, r rune, buf []byte) []byte {
	dst, in := buf[:32], buf[32:32]
	src := utf8.AppendRune(in, r)
	caser.Reset()
	nDst, nSrc, err := caser.Transform(dst, src, true)
	if err != nil || nSrc != len(src) {
		return []byte(caser.String(string(r)))
	}
	return dst[:nDst]
}

// foldLabel is a label as lines are matched against it.
func foldLabel(l string) string { return fold(strings.TrimSpace(l)).s }

// orig is the original offset of folded offset i.
func (f folded) orig(i int) int {
	if f.at == nil {
		return i
	}
	return f.at[i]
}

// foldASCII is fold for text that is all ASCII (most receipt lines), where
// folding is lowering A-Z and keeps every offset: it allocates only when
// there is a capital to lower. ok is false for any other text.
func foldASCII(text string) (f folded, ok bool) {
	upper := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= utf8.RuneSelf {
			return folded{}, false
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if !upper {
		return folded{s: text}, true
	}
	b := []byte(text)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return folded{s: string(b)}, true
}

// isWordRune reports whether r continues a word of a script that spaces
// its words (Latin with its accents, Greek, Cyrillic, ...): "BAR" is not in
// "BARÜBERGABE". Han, kana and Hangul labels match inside runs of text, as
// Chinese and Japanese receipts print them without spaces.
func isWordRune(r rune) bool {
	if r == '_' {
		return true
	}
	return unicode.IsLetter(r) && !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// hasWordLetter says whether a label has letters of a spaced script, so it
// must stand as a whole word.
func hasWordLetter(s string) bool {
	for _, r := range s {
		if isWordRune(r) && r != '_' {
			return true
		}
	}
	return false
}
