package slip

import (
	"cmp"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// ErrNotSlip is returned by Read for text that is not a card slip.
var ErrNotSlip = errors.New("slip: not a card slip")

// maxValue bounds an identifier field (auth code, reference, ...).
const maxValue = 32

// Slip is what a card slip says. Card is masked (drivers.MaskPAN); no other
// card data is kept.
type Slip struct {
	Profile       string              // the profile that read it
	Type          drivers.PaymentType // "" when the slip names none
	Amount        int64               // magnitude, minor units
	HasAmount     bool                // an amount was found
	Currency      string              // ISO 4217 alpha
	AuthCode      string              // 授权码
	Reference     string              // 参考号
	Trace         string              // 凭证号, Trace#
	OriginalTrace string              // 原凭证号, TA-No.(old)
	ReceiptNo     string              // 票据号, Beleg#
	TerminalID    string              // 终端编号
	MerchantID    string              // 商户编号
	Batch         string              // 批次号
	Card          string              // masked PAN
	Declined      bool                // a declined marker was printed
	Reprint       bool                // 重打印, DUPLIKAT
	Marked        bool                // a slip marker was printed
}

// hit is a label found in a line.
type hit struct {
	start, value int // where the label starts, where its value starts
	field        field
}

// Read parses the lines of one slip. It returns ErrNotSlip unless the text
// has a slip marker or an amount with a type and an identifier (auth code,
// trace, reference or terminal id). It never panics, whatever the text.
func (p *Profile) Read(lines []string) (*Slip, error) {
	s := &Slip{Profile: p.Name}
	norm := make([]string, len(lines))
	for i, l := range lines {
		norm[i] = fold(l)
	}
	consumed := make([]bool, len(norm))
	hits := make([][]hit, len(norm))
	for i, l := range norm {
		hits[i] = p.find(upper(l))
	}
	set := [nFields]bool{}
	typeLine := ""
	for i, l := range norm {
		u := upper(l)
		s.Marked = s.Marked || containsAny(u, p.Markers)
		s.Declined = s.Declined || containsAny(u, p.Declined)
		s.Reprint = s.Reprint || containsAny(u, p.Reprint)
		hs := hits[i]
		if len(hs) == 0 {
			if !consumed[i] && typeLine == "" && p.typeOf(strings.TrimSpace(l)) != "" {
				typeLine = strings.TrimSpace(l)
			}
			continue
		}
		for k, h := range hs {
			end := len(l)
			if k+1 < len(hs) {
				end = hs[k+1].start
			}
			v := strings.TrimSpace(l[h.value:end])
			if v == "" && k == len(hs)-1 {
				if j := nextValueLine(norm, hits, i); j >= 0 {
					v = strings.TrimSpace(norm[j])
					consumed[j] = true
				}
			}
			if v == "" || set[h.field] {
				continue
			}
			set[h.field] = s.assign(p, h.field, v)
		}
	}
	if s.Type == "" && typeLine != "" {
		s.Type = p.typeOf(typeLine)
	}
	if s.Currency == "" && s.HasAmount {
		s.Currency = p.Currency
	}
	ids := s.AuthCode != "" || s.Trace != "" || s.Reference != "" || s.TerminalID != ""
	if !s.Marked && !(s.HasAmount && s.Type != "" && ids) {
		return nil, ErrNotSlip
	}
	return s, nil
}

// nextValueLine is the index of the next non-empty line after i when it
// holds no label of its own (a value printed under its label), else -1.
func nextValueLine(norm []string, hits [][]hit, i int) int {
	for j := i + 1; j < len(norm) && j <= i+2; j++ {
		if strings.TrimSpace(norm[j]) == "" {
			continue
		}
		if len(hits[j]) > 0 {
			return -1
		}
		return j
	}
	return -1
}

// assign stores a field's value and reports whether it was usable.
func (s *Slip) assign(p *Profile, f field, v string) bool {
	switch f {
	case fType:
		s.Type = p.typeOf(v)
		return s.Type != ""
	case fAmount:
		n, cur, ok := amountOf(v, p.Currency)
		if !ok {
			return false
		}
		s.Amount, s.HasAmount, s.Currency = n, true, cur
		return true
	case fCard:
		s.Card = cardOf(v)
		return s.Card != ""
	}
	id := identOf(v)
	if id == "" {
		return false
	}
	switch f {
	case fAuth:
		s.AuthCode = id
	case fReference:
		s.Reference = id
	case fTrace:
		s.Trace = id
	case fOrigTrace:
		s.OriginalTrace = id
	case fReceipt:
		s.ReceiptNo = id
	case fTerminal:
		s.TerminalID = id
	case fMerchant:
		s.MerchantID = id
	case fBatch:
		s.Batch = id
	}
	return true
}

// find returns the labels in an upper-cased line, in order: a label
// counts at the start of the line or after two spaces.
func (p *Profile) find(u string) []hit {
	var hs []hit
	first := firstNonSpace(u)
	for i := first; i < len(u); {
		if u[i] == ' ' || (i != first && !(u[i-1] == ' ' && u[i-2] == ' ')) {
			i++
			continue
		}
		l, ok := p.labelAt(u, i)
		if !ok {
			i++
			continue
		}
		v := skipGloss(u, i+len(l.text))
		hs = append(hs, hit{start: i, value: v, field: l.field})
		i = v
	}
	return hs
}

// firstNonSpace is the index of the first non-space byte of u.
func firstNonSpace(u string) int { return len(u) - len(strings.TrimLeft(u, " ")) }

// labelAt returns the longest label starting at u[i:]; an ASCII label must
// not run on into a letter or digit ("L" is not "LEIHSTELLUNG").
func (p *Profile) labelAt(u string, i int) (label, bool) {
	for _, l := range p.labels {
		if !strings.HasPrefix(u[i:], l.text) {
			continue
		}
		end := i + len(l.text)
		if last := l.text[len(l.text)-1]; isAlnum(last) && end < len(u) && isAlnum(u[end]) {
			continue
		}
		return l, true
	}
	return label{}, false
}

// skipGloss skips an English gloss in brackets and the separators after a
// label: "卡号(CARD NO.): " or "Trace#:  ".
func skipGloss(u string, i int) int {
	i = skipSeps(u, i)
	if i < len(u) && u[i] == '(' {
		if j := strings.IndexByte(u[i:], ')'); j > 0 {
			i = skipSeps(u, i+j+1)
		}
	}
	return i
}

func skipSeps(u string, i int) int {
	for i < len(u) && strings.IndexByte(" \t:#=.", u[i]) >= 0 {
		i++
	}
	return i
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// typeOf returns the type whose keyword starts v (longest first).
func (p *Profile) typeOf(v string) drivers.PaymentType {
	u := upper(v)
	for _, w := range p.types {
		if !strings.HasPrefix(u, w.text) {
			continue
		}
		if end := len(w.text); isAlnum(w.text[end-1]) && end < len(u) && isAlnum(u[end]) {
			continue
		}
		return w.typ
	}
	return ""
}

// containsAny reports whether u contains one of the (upper-cased) words.
func containsAny(u string, words []string) bool {
	for _, w := range words {
		if w != "" && strings.Contains(u, w) {
			return true
		}
	}
	return false
}

// currencyWords maps the currency marks a slip prints to ISO codes.
var currencyWords = []struct{ mark, code string }{
	{"RMB", "CNY"}, {"CNY", "CNY"}, {"￥", "CNY"}, {"¥", "CNY"}, {"元", "CNY"},
	{"EUR", "EUR"}, {"€", "EUR"}, {"USD", "USD"}, {"HKD", "HKD"}, {"GBP", "GBP"},
	{"CHF", "CHF"}, {"MOP", "MOP"}, {"TWD", "TWD"}, {"CLP", "CLP"}, {"JPY", "JPY"}, {"円", "JPY"},
	{"KRW", "KRW"}, {"₩", "KRW"}, {"KWD", "KWD"},
}

// amountOf reads "RMB -100.00", "EUR: 1,00" or "￥100.00" as a magnitude
// in minor units of the currency it names (else of def, the profile's)
// and that currency ("" when it names none).
func amountOf(v, def string) (int64, string, bool) {
	v = strings.ReplaceAll(v, ":", " ")
	cur := ""
	for _, c := range currencyWords {
		if strings.Contains(upper(v), c.mark) {
			cur = c.code
			break
		}
	}
	a, ok := money.ParsePrinted(v, cmp.Or(cur, def))
	if !ok {
		return 0, "", false
	}
	n := a.Minor
	if n < 0 {
		n = -n
	}
	return n, cur, true
}

// cardOf finds a card number (digits and mask characters) in v and masks it.
func cardOf(v string) string {
	v = strings.NewReplacer(" ", "", "-", "").Replace(v)
	best := ""
	for _, run := range strings.FieldsFunc(v, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r == '*' || r == 'x' || r == 'X' || r == '#')
	}) {
		digits := 0
		for i := 0; i < len(run); i++ {
			if run[i] >= '0' && run[i] <= '9' {
				digits++
			}
		}
		if len(run) >= 8 && len(run) <= 23 && digits >= 4 && len(run) > len(best) {
			best = run
		}
	}
	if best == "" {
		return ""
	}
	return drivers.MaskPAN(best)
}

// identOf returns the first token of v when it is a plausible identifier:
// letters, digits and dashes, at most maxValue long.
func identOf(v string) string {
	f := strings.Fields(v)
	if len(f) == 0 {
		return ""
	}
	t := strings.TrimRight(f[0], ".,;")
	if t == "" || len(t) > maxValue {
		return ""
	}
	for i := 0; i < len(t); i++ {
		if !isAlnum(t[i]) && t[i] != '-' && t[i] != '/' {
			return ""
		}
	}
	return t
}

// fold maps full-width ASCII and the ideographic space to ASCII, and drops
// invalid UTF-8, so labels and values compare the same however printed.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			b.WriteByte(' ')
		case r == '\u3000' || r == '\t':
			b.WriteByte(' ')
		case r >= '\uFF01' && r <= '\uFF5E':
			b.WriteRune(r - 0xFEE0)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
