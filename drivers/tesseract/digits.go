package tesseract

import (
	"strings"
	"unicode"
)

// lookalike maps the letters an OCR model reads for a digit (in Latin
// fonts l, I, i and | look like 1, O and o like 0) to the digit.
var lookalike = map[rune]rune{'l': '1', 'I': '1', 'i': '1', '|': '1', 'O': '0', 'o': '0'}

// fixDigits reads the look-alike letters of a line's numeric tokens as
// the digits they stand for, a usual correction in receipt OCR: `eng`
// reads a 1 after an x as l ("xl"). A token is numeric when it is
//
//   - a quantity, x or × then one to three digits or look-alikes
//     ("xl", "x1O"), when it holds a digit or a later token of the line
//     is an amount (an item line "name x1 12.50"): "xl" alone may be a
//     size; or
//   - an amount: digits, look-alikes, a leading minus and a '.' or ','
//     between them ("1O.5O", "-2.l0"), with at least two digits and no
//     fewer digits than look-alikes. A number without a decimal point
//     is left alone: "25l" may be litres, and so is one that ends in l
//     ("0,5l", "1.5l": a volume, not 0,51).
//
// Words are left alone ("Oil", "xi'an", "lOl"). Only tokens are changed
// whose letters all have a digit to stand for, so the result has the
// same characters count. Where a token could be a number or a word the
// line is left as read: an amount not read is not used (amounts_unsure),
// while a wrong digit would be trusted.
func fixDigits(line string) string {
	toks := strings.Split(line, " ")
	changed := false
	for k, tok := range toks {
		var fixed string
		switch {
		case isQuantity(tok) && (hasDigit(tok) || amountAfter(toks[k+1:])):
			fixed = mapLookalikes(tok)
		case isAmount(tok):
			fixed = mapLookalikes(tok)
		default:
			continue
		}
		if fixed != tok {
			toks[k], changed = fixed, true
		}
	}
	if !changed {
		return line
	}
	return strings.Join(toks, " ")
}

// isQuantity: x or × and one to three digits or look-alikes.
func isQuantity(tok string) bool {
	r := []rune(tok)
	if len(r) < 2 || len(r) > 4 || (r[0] != 'x' && r[0] != '×') {
		return false
	}
	for _, c := range r[1:] {
		if !unicode.IsDigit(c) && lookalike[c] == 0 {
			return false
		}
	}
	return true
}

// isAmount: digits and look-alikes (at least two digits, as many as
// look-alikes at least), a leading minus, and a '.' or ',' between them.
func isAmount(tok string) bool {
	r := []rune(strings.TrimPrefix(tok, "-"))
	digits, looks, points := 0, 0, 0
	for i, c := range r {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case lookalike[c] != 0:
			looks++
		case (c == '.' || c == ',') && i > 0 && i < len(r)-1:
			points++
		default:
			return false
		}
	}
	if len(r) > 0 && r[len(r)-1] == 'l' { // a volume: "0,5l", "1.5l"
		return false
	}
	return points > 0 && digits >= 2 && digits >= looks
}

// amountAfter reports whether one of toks is an amount (12.50).
func amountAfter(toks []string) bool {
	for _, t := range toks {
		if isAmount(t) {
			return true
		}
	}
	return false
}

func hasDigit(s string) bool { return strings.ContainsFunc(s, unicode.IsDigit) }

// mapLookalikes replaces the look-alikes of tok by their digits (the x of
// a quantity and other characters kept).
func mapLookalikes(tok string) string {
	r := []rune(tok)
	for i, c := range r {
		if i == 0 && (c == 'x' || c == '×') {
			continue
		}
		if d := lookalike[c]; d != 0 {
			r[i] = d
		}
	}
	return string(r)
}
