package money

import "unicode/utf8"

// candidates returns the [start, end) byte offsets of the amount
// candidates in text, left to right: exactly what
//
//	[-+(]?\s*M?\s*-?[0-9０-９][0-9０-９,.，．']*\)?(?:\s*M)?-?
//
// finds with regexp's FindAllStringIndex, M being any of marks, tried in
// their order (the expression is in scan_test.go, FuzzCandidates compares
// the two). By hand because the regular expression was most of reading a
// receipt's amounts: a tenth of a replay.
//
// Why the walk below is that expression: every match holds a digit, and
// everything after its first digit is optional, so the leftmost-first
// match at a start is the first choice, in the expression's order, of
// sign, mark and minus before a digit (runs of \s are taken whole: what
// follows them is never a space), then the longest run of digits and
// separators and each optional part after it when present.
func candidates(text string, out [][2]int) [][2]int {
	for pos := 0; pos < len(text); {
		if end := candidateAt(text, pos); end > pos {
			out = append(out, [2]int{pos, end})
			pos = end
			continue
		}
		_, w := utf8.DecodeRuneInString(text[pos:])
		pos += w
	}
	return out
}

// candidateAt returns the end of the candidate starting at s, or -1.
func candidateAt(text string, s int) int {
	for _, sign := range [2]bool{true, false} {
		p := s
		if sign {
			if p >= len(text) || (text[p] != '-' && text[p] != '+' && text[p] != '(') {
				continue
			}
			p++
		}
		p = spaces(text, p)
		for m := 0; m <= len(marks); m++ {
			q := p
			if m < len(marks) {
				if !hasAt(text, q, marks[m]) {
					continue
				}
				q += len(marks[m])
			}
			q = spaces(text, q)
			if w := digitAt(text, q); w > 0 {
				return finish(text, q+w)
			}
			if q < len(text) && text[q] == '-' {
				if w := digitAt(text, q+1); w > 0 {
					return finish(text, q+1+w)
				}
			}
		}
	}
	return -1
}

// finish extends a candidate from just after its first digit.
func finish(text string, end int) int {
	for {
		if w := digitAt(text, end); w > 0 {
			end += w
			continue
		}
		if end < len(text) && (text[end] == ',' || text[end] == '.' || text[end] == '\'') {
			end++
			continue
		}
		if hasAt(text, end, "，") || hasAt(text, end, "．") {
			end += len("，")
			continue
		}
		break
	}
	if end < len(text) && text[end] == ')' {
		end++
	}
	q := spaces(text, end)
	for _, m := range marks {
		if hasAt(text, q, m) {
			end = q + len(m)
			break
		}
	}
	if end < len(text) && text[end] == '-' {
		end++
	}
	return end
}

// digitAt returns the length of the digit (0-9 or full-width ０-９) at
// text[i], 0 when there is none.
func digitAt(text string, i int) int {
	if i < len(text) && '0' <= text[i] && text[i] <= '9' {
		return 1
	}
	// U+FF10..U+FF19 are EF BC 90..99 in UTF-8.
	if i+2 < len(text) && text[i] == 0xef && text[i+1] == 0xbc && 0x90 <= text[i+2] && text[i+2] <= 0x99 {
		return 3
	}
	return 0
}

// spaces skips the run of \s (tab, newline, form feed, return, space) at
// text[i].
func spaces(text string, i int) int {
	for i < len(text) {
		switch text[i] {
		case '\t', '\n', '\f', '\r', ' ':
			i++
		default:
			return i
		}
	}
	return i
}

func hasAt(text string, i int, s string) bool {
	return i <= len(text) && len(text)-i >= len(s) && text[i:i+len(s)] == s
}
