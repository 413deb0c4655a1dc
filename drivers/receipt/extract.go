package receipt

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// field is what a label stands for.
type field uint8

const (
	fNumber field = iota
	fTotal
	fSubtotal
	fReduction
	fTax
	fDue
	fTendered
	fChange
	fTender
	fReprint
	fNotReprint
	fCashier
)

// matcher is one compiled label.
type matcher struct {
	label string // case-folded (fold)
	word  bool   // must stand as a whole word (labels with ASCII letters)
	field field
	kind  drivers.TenderKind // for fTender
	text  string             // the label as written, for Tender.Label
}

// hit is a label found in a line.
type hit struct {
	m          *matcher
	start, end int
}

// matchers are a profile's compiled labels, longest first, and the same
// indexed by the first byte of their label (in the same order), so that
// find tries at each position only the labels that can start there.
type matchers struct {
	list    []matcher
	byFirst [256][]*matcher
}

// compile builds the matchers of a profile, longest label first.
func (p *Profile) compile() *matchers {
	var ms []matcher
	add := func(f field, kind drivers.TenderKind, labels []string) {
		for _, l := range labels {
			l = strings.TrimSpace(l)
			if l == "" {
				continue
			}
			ms = append(ms, matcher{label: foldLabel(l), word: hasWordLetter(l), field: f, kind: kind, text: l})
		}
	}
	L := &p.Labels
	add(fNumber, "", L.Number)
	add(fTotal, "", L.Total)
	add(fSubtotal, "", L.Subtotal)
	add(fReduction, "", L.Reduction)
	add(fTax, "", L.Tax)
	add(fDue, "", L.Due)
	add(fTendered, "", L.Tendered)
	add(fChange, "", L.Change)
	add(fCashier, "", L.Cashier)
	kinds := make([]string, 0, len(p.Tenders))
	for k := range p.Tenders {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		add(fTender, drivers.TenderKind(k), p.Tenders[drivers.TenderKind(k)])
	}
	add(fReprint, "", p.Reprint.Markers)
	add(fNotReprint, "", p.Reprint.Except)
	sort.SliceStable(ms, func(i, j int) bool {
		if len(ms[i].label) != len(ms[j].label) {
			return len(ms[i].label) > len(ms[j].label)
		}
		return ms[i].label < ms[j].label
	})
	set := &matchers{list: ms}
	for k := range ms {
		m := &ms[k]
		if m.label == "" { // cannot happen (labels are trimmed), but would match anywhere
			for c := range set.byFirst {
				set.byFirst[c] = append(set.byFirst[c], m)
			}
			continue
		}
		set.byFirst[m.label[0]] = append(set.byFirst[m.label[0]], m)
	}
	return set
}

// asciiUpper upper-cases ASCII letters only, so byte offsets do not move.
func asciiUpper(s string) string {
	// Byte by byte: strings.Map would turn an invalid byte into a 3-byte
	// U+FFFD and move every offset after it (a slice out of range on a
	// receipt with a stray byte).
	if strings.IndexFunc(s, func(r rune) bool { return 'a' <= r && r <= 'z' }) < 0 {
		return s // nothing to raise (most receipt lines)
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// find returns the labels of one case-folded line, left to right, not
// overlapping, the longest at each position.
func find(ms *matchers, line string) []hit { return findInto(ms, line, nil) }

// findInto is find appending to hits (a buffer reused line after line).
func findInto(ms *matchers, line string, hits []hit) []hit {
	for i := 0; i < len(line); {
		matched := false
		for _, m := range ms.byFirst[line[i]] {
			if !strings.HasPrefix(line[i:], m.label) {
				continue
			}
			end := i + len(m.label)
			if m.word {
				before, _ := utf8.DecodeLastRuneInString(line[:i])
				after, _ := utf8.DecodeRuneInString(line[end:])
				if (i > 0 && isWordRune(before)) || (end < len(line) && isWordRune(after)) {
					continue
				}
			}
			hits = append(hits, hit{m: m, start: i, end: end})
			i, matched = end, true
			break
		}
		if !matched {
			_, size := utf8.DecodeRuneInString(line[i:])
			i += size
		}
	}
	return hits
}

// findASCII is find(ms, fold(text).s) for ASCII text, appending to hits:
// it lowers each byte as it compares rather than folding a copy of the
// line (for ASCII, full case folding is lowering A-Z; FuzzFindASCII
// compares the two).
func findASCII(ms *matchers, text string, hits []hit) []hit {
	for i := 0; i < len(text); {
		matched := false
		for _, m := range ms.byFirst[lowerASCII(text[i])] {
			if !hasPrefixLower(text[i:], m.label) {
				continue
			}
			end := i + len(m.label)
			// An ASCII letter is a word rune in either case.
			if m.word && ((i > 0 && isWordRune(rune(text[i-1]))) || (end < len(text) && isWordRune(rune(text[end])))) {
				continue
			}
			hits = append(hits, hit{m: m, start: i, end: end})
			i, matched = end, true
			break
		}
		if !matched {
			i++
		}
	}
	return hits
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixLower reports whether s lowered (ASCII) starts with label.
func hasPrefixLower(s, label string) bool {
	if len(label) > len(s) {
		return false
	}
	for j := range len(label) {
		if lowerASCII(s[j]) != label[j] {
			return false
		}
	}
	return true
}

// isASCII reports whether s holds ASCII bytes only.
func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// firstNumber returns the receipt number at the start of s: after
// separators (# : ： . and space, tab, CR, LF, FF) and an optional "NO",
// "NR" (each with an optional dot) or "№" and more separators, letters,
// digits and - _ / . with at least one digit; trailing dots are not part
// of it. It is what the regular expression numberRE in the tests finds,
// by hand: it runs for every number label of a replayed month, and the
// expression took a sixth of the receipt extraction.
func firstNumber(s string) (string, bool) {
	p := skipNumberSeps(s, 0)
	q := -1
	switch {
	case strings.HasPrefix(s[p:], "NO"), strings.HasPrefix(s[p:], "NR"):
		q = skipNumberSeps(s, p+2) // an optional dot is a separator
	case strings.HasPrefix(s[p:], "№"):
		q = skipNumberSeps(s, p+len("№"))
	}
	if q < 0 || q >= len(s) || !isNumberStart(s[q]) {
		q = p // without the prefix, "NO" starts the number itself
	}
	if q >= len(s) || !isNumberStart(s[q]) {
		return "", false
	}
	end := q + 1
	for end < len(s) && (isNumberStart(s[end]) || s[end] == '-' || s[end] == '_' || s[end] == '/' || s[end] == '.') {
		end++
	}
	n := s[q:end]
	if !strings.ContainsAny(n, "0123456789") {
		return "", false
	}
	return strings.TrimRight(n, "."), true
}

// skipNumberSeps returns the offset of the first byte at or after i that
// does not start a separator before a receipt number.
func skipNumberSeps(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == '#' || s[i] == ':' || s[i] == '.' || s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == '\r':
			i++
		case strings.HasPrefix(s[i:], "："):
			i += len("：")
		default:
			return i
		}
	}
	return i
}

// isNumberStart reports whether c is an ASCII letter or digit.
func isNumberStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// maxCashier bounds a cashier's name, in runes.
const maxCashier = 32

// cashierName returns who rang the receipt from the text after a cashier
// label: "：001 张三" is "001 张三", "Anna   Kasse 3" is "Anna" (a wide gap
// ends the name). A digit run long enough to be a card number is masked.
func cashierName(s string) (string, bool) {
	s = strings.TrimLeft(s, " \t:：#.-=")
	for _, gap := range []string{"  ", "\t", "　"} {
		if i := strings.Index(s, gap); i >= 0 {
			s = s[:i]
		}
	}
	// Masked before it is cut to length: a number cut short is no card
	// number to MaskTextPANs, and its digits would stay.
	b := []byte(strings.TrimSpace(s))
	drivers.MaskTextPANs(b)
	s = string(b)
	if r := []rune(s); len(r) > maxCashier {
		s = strings.TrimSpace(string(r[:maxCashier]))
	}
	if s == "" {
		return "", false
	}
	return s, true
}

// Extract fills r.Profile, Number, Total, Due, Tenders, Change, Currency,
// Cashier and Reprint from r.Lines. It first clears them, so it can run again.
// Total, due and change take the last line that has them; the number takes
// the first; every tender line is a tender. Due defaults to the total.
func (p *Profile) Extract(r *drivers.Receipt) {
	ms := p.matchers
	if ms == nil {
		ms = p.compile()
	}
	r.Profile, r.Currency = p.Name, p.Currency
	r.Number, r.Total, r.Due, r.Change, r.Tenders, r.Reprint, r.Cashier = "", nil, nil, nil, nil, false, ""
	var hits []hit // reused line after line
	for _, l := range r.Lines {
		hits = p.extractLine(ms, r, l.Text, hits[:0], nil)
	}
	if r.Due == nil && r.Total != nil {
		v := *r.Total
		r.Due = &v
	}
}

// extractLine applies one line's labels to r, telling note (when not nil)
// each label found with its field name and value ("" when it has none).
// It finds them in hits' memory and returns it for the next line.
func (p *Profile) extractLine(ms *matchers, r *drivers.Receipt, text string, hits []hit, note func(h hit, field, value string)) []hit {
	if isASCII(text) {
		hits = findASCII(ms, text, hits)
	} else {
		fl := foldRunes(text)
		hits = findInto(ms, fl.s, hits)
		for i := range hits { // from here on, offsets in text
			hits[i].start, hits[i].end = fl.orig(hits[i].start), fl.orig(hits[i].end)
		}
	}
	if len(hits) == 0 {
		return hits
	}
	line := asciiUpper(text) // same byte offsets as text, for money
	reprint, notReprint := false, false
	for i, h := range hits {
		end := len(line)
		if i+1 < len(hits) {
			end = hits[i+1].start
		}
		seg := line[h.end:end]
		tell := func(value string) {
			if note != nil {
				note(h, h.m.field.String(h.m.kind), value)
			}
		}
		switch h.m.field {
		case fReprint:
			reprint = true
			tell("")
			continue
		case fNotReprint:
			notReprint = true
			tell("")
			continue
		case fNumber:
			n, ok := firstNumber(text[h.end:end])
			if ok && r.Number == "" {
				r.Number = n
			}
			tell(n)
			continue
		case fCashier:
			n, ok := cashierName(text[h.end:end])
			if ok && r.Cashier == "" {
				r.Cashier = n
			}
			tell(n)
			continue
		}
		v, ok := money.Last(seg, p.amounts())
		if !ok && len(hits) == 1 {
			v, ok = money.Last(line, p.amounts())
		}
		if !ok {
			tell("")
			continue
		}
		if note != nil { // formatting allocates: not for Extract
			tell(money.Number(v, p.amounts()))
		}
		switch h.m.field {
		case fTotal:
			r.Total = &v
		case fDue:
			r.Due = &v
		case fChange:
			r.Change = &v
		case fTender:
			r.Tenders = append(r.Tenders, drivers.Tender{Kind: h.m.kind, Label: h.m.text, Amount: v})
		}
	}
	if reprint && !notReprint {
		r.Reprint = true
	}
	return hits
}
