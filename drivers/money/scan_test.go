package money

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// candidateRE is what candidates implements by hand: optional sign and
// currency mark, digits with separators, optional trailing mark or minus.
var candidateRE = func() *regexp.Regexp {
	quoted := make([]string, len(marks))
	for i, m := range marks {
		quoted[i] = regexp.QuoteMeta(m)
	}
	m := "(?:" + strings.Join(quoted, "|") + ")"
	return regexp.MustCompile(`[-+(]?\s*` + m + `?\s*-?[0-9０-９][0-9０-９,.，．']*\)?(?:\s*` + m + `)?-?`)
}()

var candidateSeeds = []string{
	"", "TOTAL 2 x 3.50 7.00", "TOTAL 8000", "合计 ¥1,500 10:15", "2026-11-22 8000", "( - RMB 12.30 元-)",
	"-+5", "--5", "(-5)", "+ $ -1'000.50 EUR-", "６８．００元", "1，234．5￥", "$$5", "RMB", "\xef\xbc", "\xef\xbc\x99",
	"\xc2¥5", "a\xff-3\t\n\f\r€ 4 ₩", "12.30- 4.00-", "(12.30)CNY", "x-1-2-3", "元 5 元 6 円", "USD\t-\t7",
}

func TestCandidates(t *testing.T) {
	for _, s := range candidateSeeds {
		checkCandidates(t, s)
	}
}

// TestCandidatesRandom compares the two on strings made of the pieces the
// expression cares about (signs, marks, digits, separators, spaces,
// full-width forms, broken UTF-8), which byte-level fuzzing rarely builds.
func TestCandidatesRandom(t *testing.T) {
	pieces := append([]string{"-", "+", "(", ")", " ", "\t", "\n", "0", "7", "９", ",", ".", "'", "，", "．", "a", ":", "/", "\xef", "\xbc", "\xff", "R", "M", "B"}, marks...)
	rng := rand.New(rand.NewPCG(1, 15))
	var b strings.Builder
	for range 20000 {
		b.Reset()
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		checkCandidates(t, b.String())
	}
}

func FuzzCandidates(f *testing.F) {
	for _, s := range candidateSeeds {
		f.Add(s)
	}
	f.Fuzz(checkCandidates)
}

func checkCandidates(t *testing.T, text string) {
	var want [][2]int
	for _, m := range candidateRE.FindAllStringIndex(text, -1) {
		want = append(want, [2]int{m[0], m[1]})
	}
	if got := candidates(text, nil); !slices.Equal(got, want) {
		t.Fatalf("candidates(%q) = %v, the expression finds %v", text, got, want)
	}
}
