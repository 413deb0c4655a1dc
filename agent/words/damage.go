package words

import (
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
)

// damageWords say that an alert's evidence may sit in bytes damaged on the
// line (detect.Alert.Damage): where ({dtime}) and what may be in them.
type damageWords struct {
	terminal, printer, disagree, unreadable string            // the sentence, by what was damaged; {dtime}, {clause}
	clause                                  map[string]string // by kind + "/" + role
}

var damageEN = damageWords{
	terminal:   " A terminal frame at {dtime} failed its check: {clause}.",
	printer:    " Printer data at {dtime} was damaged on the line: {clause}.",
	disagree:   " A receipt printed at {dtime} does not add up (damaged on the line?): {clause}.",
	unreadable: " A job printed at {dtime} could not be read (damaged on the line?): {clause}.",
	clause: map[string]string{
		detect.KindReceiptWithoutPayment + "/terminal": "the payment may be in it",
		detect.KindReceiptWithoutPayment + "/printer":  "this receipt may belong to a card payment whose own receipt was damaged",
		detect.KindPaymentWithoutReceipt + "/printer":  "its receipt may be in it",
		detect.KindPaymentWithoutReceipt + "/terminal": "a void or reversal of it may be in it",
		detect.KindAmountMismatch + "/printer":         "the receipt's amount may have been misread",
		detect.KindAmountMismatch + "/terminal":        "another payment of this receipt may be in it",
		detect.KindDuplicateCharge + "/terminal":       "a void or reversal may be in it",
		detect.KindDuplicateCharge + "/printer":        "the other charge's receipt may be in it",
		detect.KindRefundWithoutSale + "/terminal":     "the sale may be in it",
		detect.KindRefundWithoutSale + "/printer":      "the refund receipt may be in it",
		detect.KindSettlementMismatch + "/terminal":    "payments may be missing from the journal",
		detect.KindPrintFailed + "/printer":            "the cut may be in it",
		"":                                             "the missing evidence may be in it",
	},
}

var damageDE = damageWords{
	terminal:   " Ein Terminal-Telegramm um {dtime} war fehlerhaft (Prüfsumme): {clause}.",
	printer:    " Druckerdaten um {dtime} wurden auf der Leitung beschädigt: {clause}.",
	disagree:   " Ein Beleg um {dtime} geht rechnerisch nicht auf (auf der Leitung beschädigt?): {clause}.",
	unreadable: " Ein Druckauftrag um {dtime} war nicht lesbar (auf der Leitung beschädigt?): {clause}.",
	clause: map[string]string{
		detect.KindReceiptWithoutPayment + "/terminal": "die Zahlung kann darin stecken",
		detect.KindReceiptWithoutPayment + "/printer":  "der Beleg kann zu einer Kartenzahlung gehören, deren eigener Beleg beschädigt wurde",
		detect.KindPaymentWithoutReceipt + "/printer":  "der Beleg kann darin stecken",
		detect.KindPaymentWithoutReceipt + "/terminal": "ein Storno der Zahlung kann darin stecken",
		detect.KindAmountMismatch + "/printer":         "der Betrag des Belegs kann falsch gelesen sein",
		detect.KindAmountMismatch + "/terminal":        "eine weitere Zahlung zu diesem Beleg kann darin stecken",
		detect.KindDuplicateCharge + "/terminal":       "ein Storno kann darin stecken",
		detect.KindDuplicateCharge + "/printer":        "der Beleg der anderen Zahlung kann darin stecken",
		detect.KindRefundWithoutSale + "/terminal":     "der Verkauf kann darin stecken",
		detect.KindRefundWithoutSale + "/printer":      "der Rückgabebeleg kann darin stecken",
		detect.KindSettlementMismatch + "/terminal":    "im Journal können Zahlungen fehlen",
		detect.KindPrintFailed + "/printer":            "der Schnitt kann darin stecken",
		"":                                             "der fehlende Nachweis kann darin stecken",
	},
}

var damageZH = damageWords{
	terminal:   "终端 {dtime} 的一帧数据校验失败：{clause}。",
	printer:    "打印机数据在 {dtime} 于线路上受损：{clause}。",
	disagree:   "{dtime} 打印的小票金额对不上（线路受损？）：{clause}。",
	unreadable: "{dtime} 的打印任务无法读取（线路受损？）：{clause}。",
	clause: map[string]string{
		detect.KindReceiptWithoutPayment + "/terminal": "刷卡记录可能就在其中",
		detect.KindReceiptWithoutPayment + "/printer":  "这张小票可能属于另一笔小票受损的刷卡",
		detect.KindPaymentWithoutReceipt + "/printer":  "小票可能就在其中",
		detect.KindPaymentWithoutReceipt + "/terminal": "这笔交易的撤销可能就在其中",
		detect.KindAmountMismatch + "/printer":         "小票金额可能读错",
		detect.KindAmountMismatch + "/terminal":        "这张小票的另一笔刷卡可能就在其中",
		detect.KindDuplicateCharge + "/terminal":       "撤销记录可能就在其中",
		detect.KindDuplicateCharge + "/printer":        "另一笔扣款的小票可能就在其中",
		detect.KindRefundWithoutSale + "/terminal":     "原销售可能就在其中",
		detect.KindRefundWithoutSale + "/printer":      "退货小票可能就在其中",
		detect.KindSettlementMismatch + "/terminal":    "流水中可能缺少交易",
		detect.KindPrintFailed + "/printer":            "切纸指令可能就在其中",
		"":                                             "缺少的证据可能就在其中",
	},
}

func damageOf(l Lang) *damageWords {
	switch l {
	case ZH:
		return &damageZH
	case DE:
		return &damageDE
	}
	return &damageEN
}

// damageSentence says in lang that an alert's evidence may sit in bytes
// damaged on the line; "" when the alert carries no damage.
func damageSentence(al *detect.Alert, lang Lang, loc *time.Location) string {
	d := al.Damage
	if d == nil {
		return ""
	}
	w := damageOf(lang)
	tmpl := w.printer
	switch {
	case d.What == "amounts_disagree":
		tmpl = w.disagree
	case d.What == "unreadable":
		tmpl = w.unreadable
	case d.Role == detect.RoleTerminal:
		tmpl = w.terminal
	}
	clause, ok := w.clause[al.Kind+"/"+d.Role]
	if !ok {
		clause = w.clause[""]
	}
	return strings.NewReplacer("{dtime}", Clock(d.Time, loc), "{clause}", clause).Replace(tmpl)
}
