package words

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/drivers"
)

// Title is an alert's headline in lang: "Card paid, no receipt",
// "已解除：打印机故障". A kind this package does not know is shown as it is.
func Title(kind string, state detect.State, lang Lang) string {
	b := bookOf(lang)
	t, ok := b.titles[kind]
	if !ok {
		t = kind
	}
	if state == detect.Resolved {
		return b.resolved + t
	}
	return t
}

// Summary is an alert's one sentence in lang, with clock times in loc
// (the zone shown), written from the alert's kind, state, severity and
// evidence alone.
func Summary(al *detect.Alert, lang Lang, loc *time.Location) string {
	b := bookOf(lang)
	tmpl, ok := b.raised[al.Kind]
	if al.State == detect.Resolved {
		tmpl, ok = b.cleared[al.Kind]
		if !ok {
			tmpl, ok = b.resolved+Title(al.Kind, detect.Raised, lang)+" ({time}).", true
		}
	}
	if !ok {
		return al.Summary // a kind this package does not know
	}
	s := fill(tmpl, facts(al, b, lang, loc))
	if rs, ok := refundSummary(al, lang, loc); ok {
		s = rs
	}
	switch {
	case al.State == detect.Raised && al.Damage != nil:
		s += damageSentence(al, lang, loc) // lowered for damage on the line
	case al.State == detect.Raised && al.Severity == detect.Warning:
		s += b.linkDown[al.Kind]
	}
	if al.State == detect.Raised {
		s += b.doubt[al.Confidence]
	}
	if al.Cashier != "" {
		s += strings.ReplaceAll(b.cashier, "{v}", al.Cashier)
	}
	return s
}

// Localize rewrites al.Summary in lang with times in loc.
func Localize(al *detect.Alert, lang Lang, loc *time.Location) {
	al.Summary = Summary(al, lang, loc)
}

// fill replaces each {name} of tmpl by its fact; "{Name}" gives the fact
// with its first letter upper case.
func fill(tmpl string, f map[string]string) string {
	var out strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			out.WriteString(tmpl)
			return out.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			out.WriteString(tmpl)
			return out.String()
		}
		out.WriteString(tmpl[:i])
		name := tmpl[i+1 : i+j]
		if v, ok := f[name]; ok {
			out.WriteString(v)
		} else if v, ok := f[strings.ToLower(name[:1])+name[1:]]; ok {
			out.WriteString(upperFirst(v))
		}
		tmpl = tmpl[i+j+1:]
	}
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// facts are the values an alert's templates may name.
func facts(al *detect.Alert, b *book, lang Lang, loc *time.Location) map[string]string {
	cur := al.Currency
	money := func(v int64) string { return Money(v, cur, lang) }
	f := map[string]string{
		"time":   Clock(al.Time, loc),
		"device": al.Device,
		"lane":   al.Lane,
	}
	if p := al.Payment; p != nil {
		if p.Currency != "" {
			cur = p.Currency
		}
		f["amount"] = money(p.Amount)
		f["ptime"] = Clock(p.Time, loc)
		f["card"] = drivers.MaskPAN(p.Card)
		if p.Trace != "" {
			f["trace"] = strings.ReplaceAll(b.trace, "{v}", p.Trace)
		}
		if p.Requested > 0 {
			f["requested"] = money(p.Requested)
			f["rest"] = money(p.Requested - p.Amount)
		}
		f["refund"] = b.refund
		if p.Type == string(drivers.PayVoid) {
			f["refund"] = b.void
		}
	}
	f["receipt"] = b.receipt0
	if r := al.Receipt; r != nil {
		if r.Number != "" {
			f["receipt"] = strings.ReplaceAll(b.receiptN, "{v}", r.Number)
		}
		for _, v := range []*int64{r.CardTender, r.Due, r.Total} {
			if v != nil {
				f["rcard"] = money(*v)
				f["rcardnote"] = " (" + money(*v) + ")"
				if lang == ZH {
					f["rcardnote"] = "（" + money(*v) + "）"
				}
				break
			}
		}
	}
	if d := al.Delta; d != nil {
		f["delta"] = money(max(*d, -*d))
		f["how"], f["moreless"] = b.under, b.less
		if *d > 0 {
			f["how"], f["moreless"] = b.over, b.more
		}
	}
	f["cause"] = PrinterState(al.Printer, lang)
	f["failure"] = failure(al, b, lang)
	return f
}

// failure says why a job did not print.
func failure(al *detect.Alert, b *book, lang Lang) string {
	var why []string
	if al.Receipt != nil && !al.Receipt.Cut {
		why = append(why, b.causes.notCut)
	}
	if p := al.Printer; p != nil && faults(p, b) != nil {
		why = append(why, strings.Join(faults(p, b), b.list))
	}
	if len(why) == 0 {
		why = append(why, b.causes.unconfirmed)
	}
	return strings.Join(why, b.list)
}

// PrinterState says in lang what a printer's state is: "out of paper,
// cover open", "the printer reported no fault", or that no status was
// ever seen (also for nil).
func PrinterState(p *detect.PrinterEvidence, lang Lang) string {
	b := bookOf(lang)
	if p == nil || !p.Known {
		return b.causes.unknown
	}
	if w := faults(p, b); len(w) > 0 {
		return strings.Join(w, b.list)
	}
	if p.PaperNearEnd {
		return b.causes.nearEnd
	}
	return b.causes.none
}

func faults(p *detect.PrinterEvidence, b *book) []string {
	var w []string
	c := &b.causes
	for _, f := range []struct {
		on   bool
		word string
	}{
		{p.PaperEnd, c.paperEnd}, {p.CoverOpen, c.coverOpen}, {p.CutterError, c.cutter},
		{p.Unrecoverable, c.unrecoverable}, {p.AutoRecoverable, c.autoRecoverable},
		{p.Error && !p.Unrecoverable && !p.AutoRecoverable && !p.CutterError, c.err}, {p.NoReply, c.noReply},
	} {
		if f.on {
			w = append(w, f.word)
		}
	}
	if p.Offline && len(w) == 0 {
		w = append(w, c.offline)
	}
	return w
}

// State is an alert state in lang: "resolved", "已解除", "behoben".
func State(s detect.State, lang Lang) string { return bookOf(lang).states[s] }

// Severity is a severity in lang: "critical", "严重", "kritisch".
func Severity(s detect.Severity, lang Lang) string {
	if w, ok := bookOf(lang).sevs[s]; ok {
		return w
	}
	return string(s)
}

// Label is a word of the status page or a channel message in lang (see
// labels.go for the keys); an unknown key is returned as it is.
func Label(key string, lang Lang) string {
	if w, ok := bookOf(lang).labels[key]; ok {
		return w
	}
	return key
}

// Badge is what an alert wears: its severity in lang while raised, the
// word for resolved once it is resolved (never "critical" for a cleared
// fault).
func Badge(al *detect.Alert, lang Lang) string {
	if al.State == detect.Resolved {
		return State(detect.Resolved, lang)
	}
	return Severity(al.Severity, lang)
}
