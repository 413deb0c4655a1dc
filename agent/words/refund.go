package words

import (
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/drivers"
)

// refundWords say an amount_mismatch on a refund: the terminal gave back
// {amount} at {ptime}, the register's refund receipt {receipt} gives back
// {rback}; {delta} {how} went back to the card.
type refundWords struct {
	tmpl, tooMuch, tooLittle string
}

var refundEN = refundWords{
	tmpl:    "{Refund} of {amount} at {ptime}{trace} but refund {receipt} gives back {rback}: {delta} {how} went back to the card.",
	tooMuch: "too much", tooLittle: "too little",
}

var refundDE = refundWords{
	tmpl:    "{Refund} über {amount} um {ptime}{trace}, aber der Rückgabebeleg ({receipt}) erstattet {rback}: {delta} {how} auf die Karte zurück.",
	tooMuch: "zu viel", tooLittle: "zu wenig",
}

var refundZH = refundWords{
	tmpl:    "{ptime}{trace} {refund} {amount}，但退货{receipt}退回 {rback}：退回卡上的金额{how} {delta}。",
	tooMuch: "多了", tooLittle: "少了",
}

// refundSummary is the summary of a raised amount_mismatch on a terminal
// refund or void; ok is false for any other alert.
func refundSummary(al *detect.Alert, lang Lang, loc *time.Location) (string, bool) {
	p := al.Payment
	if al.Kind != detect.KindAmountMismatch || al.State != detect.Raised || p == nil ||
		(p.Type != string(drivers.PayRefund) && p.Type != string(drivers.PayVoid)) {
		return "", false
	}
	w := &refundEN
	switch lang {
	case ZH:
		w = &refundZH
	case DE:
		w = &refundDE
	}
	b := bookOf(lang)
	f := facts(al, b, lang, loc)
	cur := al.Currency
	if p.Currency != "" {
		cur = p.Currency
	}
	if r := al.Receipt; r != nil && r.CardTender != nil {
		f["rback"] = Money(max(*r.CardTender, -*r.CardTender), cur, lang)
	}
	f["how"] = w.tooMuch
	if al.Delta != nil && *al.Delta < 0 {
		f["how"] = w.tooLittle
	}
	s := fill(w.tmpl, f)
	if lang == ZH {
		s = strings.ReplaceAll(s, "退货小票 ", "退货小票")
	}
	return s, true
}
