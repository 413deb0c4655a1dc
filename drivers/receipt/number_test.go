package receipt

import (
	"regexp"
	"strings"
	"testing"
)

// numberRE is the receipt number firstNumber finds by hand: letters,
// digits and - _ / . with a digit, after separators and a "NO"/"NR"/"№".
var numberRE = regexp.MustCompile(`^[#:：.\s]*(?:NO\.?|NR\.?|№)?[#:：.\s]*([A-Za-z0-9][A-Za-z0-9\-_/.]*)`)

// firstNumberRE is firstNumber as the expression finds it.
func firstNumberRE(s string) (string, bool) {
	m := numberRE.FindStringSubmatch(s)
	if m == nil || !strings.ContainsAny(m[1], "0123456789") {
		return "", false
	}
	return strings.TrimRight(m[1], "."), true
}

// FuzzFirstNumber checks firstNumber against the regular expression it
// replaces.
func FuzzFirstNumber(f *testing.F) {
	for _, s := range []string{"", ": 4711", "NO.123", "NR 5/2", "№ A-7", "NO-5", "NOX9", "NO", "：：12..", "#\t\r\n\f.N0", "NO.", "№", "NRx", " no 5", "A..", "\xff5", "：№：NO7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gok := firstNumber(s)
		want, wok := firstNumberRE(s)
		if got != want || gok != wok {
			t.Fatalf("firstNumber(%q) = %q %v, want %q %v", s, got, gok, want, wok)
		}
	})
}
