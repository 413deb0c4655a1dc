package sim

import (
	"bytes"
	"fmt"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/tillwatch/tillwatch/drivers/money"
)

// Item is one sold article.
type Item struct {
	Name   string
	Amount int64 // minor units
}

// Tender is one payment line printed on the receipt.
type Tender struct {
	Kind   string // "card" or "cash"
	Amount int64  // minor units
}

// Receipt describes what the register prints.
type Receipt struct {
	Number   string
	Chinese  bool // GBK receipt with Chinese labels (printer in Chinese mode)
	Items    []Item
	Discount int64 // minor units, positive
	Tenders  []Tender
	NoCut    bool // the job is never cut (a jammed or misconfigured driver)
	Drawer   bool // kick the cash drawer
	Copy     bool // a reprint: marked REPRINT / 重打印
	Refund   bool // a refund receipt: titled REFUND / 退货 (items and tenders negative)
	// Currency (ISO 4217 alpha) sets the decimals amounts print with:
	// "20.40" for EUR (and when empty), "8000" for CLP.
	Currency string
	// AskStatus makes the register ask "did it print?" right after the
	// cut (GS r 1, paper sensor status): "answered" (the printer replies
	// paper present) or "unanswered" (it never replies); "" asks nothing.
	AskStatus string
}

// Total is the sum of the items.
func (r Receipt) Total() int64 {
	var t int64
	for _, it := range r.Items {
		t += it.Amount
	}
	return t
}

// Due is the amount the customer must pay.
func (r Receipt) Due() int64 { return r.Total() - r.Discount }

// Change is what the register gives back.
func (r Receipt) Change() int64 {
	var paid int64
	for _, t := range r.Tenders {
		paid += t.Amount
	}
	if paid > r.Due() {
		return paid - r.Due()
	}
	return 0
}

// money prints an amount as the register does: plain, in the currency's
// decimals.
func (r Receipt) money(minor int64) string { return money.Number(minor, r.Currency) }

// ESCPOS renders the receipt as the bytes a register sends to the printer.
func (r Receipt) ESCPOS() ([]byte, error) {
	var b bytes.Buffer
	b.Write([]byte{0x1B, 0x40}) // ESC @
	if r.Chinese {
		b.Write([]byte{0x1C, 0x26}) // FS &: Chinese mode
	}
	lines := r.lines()
	b.Write([]byte{0x1B, 0x61, 0x01, 0x1B, 0x21, 0x30}) // centre, double size
	if err := writeText(&b, lines[0], r.Chinese); err != nil {
		return nil, err
	}
	b.Write([]byte{0x1B, 0x21, 0x00, 0x1B, 0x61, 0x00}) // normal, left
	for _, l := range lines[1:] {
		if err := writeText(&b, l, r.Chinese); err != nil {
			return nil, err
		}
	}
	if r.Drawer {
		b.Write([]byte{0x1B, 0x70, 0x00, 0x19, 0xFA}) // ESC p 0 25 250
	}
	if !r.NoCut {
		b.Write([]byte{0x1B, 0x64, 0x03, 0x1D, 0x56, 0x01}) // feed 3, partial cut
	}
	if r.AskStatus != "" {
		b.Write([]byte{0x1D, 0x72, 0x01}) // GS r 1
	}
	return b.Bytes(), nil
}

func writeText(b *bytes.Buffer, s string, gbk bool) error {
	if gbk {
		enc, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			return fmt.Errorf("sim: GBK encode %q: %w", s, err)
		}
		s = enc
	}
	b.WriteString(s)
	b.Write([]byte{0x0D, 0x0A})
	return nil
}

func (r Receipt) lines() []string {
	if r.Chinese {
		return r.chineseLines()
	}
	ls := []string{"TILLWATCH MART", "RECEIPT " + r.Number}
	if r.Refund {
		ls = append(ls, "*** REFUND ***")
	}
	if r.Copy {
		ls = append(ls, "*** REPRINT ***")
	}
	ls = append(ls, "--------------------------------")
	for _, it := range r.Items {
		ls = append(ls, fmt.Sprintf("%-22s%10s", it.Name, r.money(it.Amount)))
	}
	ls = append(ls, "--------------------------------")
	if r.Discount != 0 {
		ls = append(ls, fmt.Sprintf("%-22s%10s", "SUBTOTAL", r.money(r.Total())),
			fmt.Sprintf("%-22s%10s", "DISCOUNT", r.money(-r.Discount)))
	}
	ls = append(ls, fmt.Sprintf("%-22s%10s", "TOTAL", r.money(r.Due())))
	for _, t := range r.Tenders {
		label := "CASH"
		if t.Kind == "card" {
			label = "VISA"
		}
		ls = append(ls, fmt.Sprintf("%-22s%10s", label, r.money(t.Amount)))
	}
	if c := r.Change(); c > 0 {
		ls = append(ls, fmt.Sprintf("%-22s%10s", "CHANGE", r.money(c)))
	}
	return append(ls, "", "THANK YOU")
}

func (r Receipt) chineseLines() []string {
	ls := []string{"天天超市", "流水号: " + r.Number}
	if r.Refund {
		ls = append(ls, "*** 退货 ***")
	}
	if r.Copy {
		ls = append(ls, "*** 重打印 ***")
	}
	ls = append(ls, "--------------------------------")
	for _, it := range r.Items {
		ls = append(ls, fmt.Sprintf("%s  %s", it.Name, r.money(it.Amount)))
	}
	ls = append(ls, "--------------------------------",
		"合计: "+r.money(r.Total()))
	if r.Discount != 0 {
		ls = append(ls, "优惠: "+r.money(-r.Discount))
	}
	ls = append(ls, "应收: "+r.money(r.Due()))
	for _, t := range r.Tenders {
		label := "现金"
		if t.Kind == "card" {
			label = "银行卡"
		}
		ls = append(ls, label+": "+r.money(t.Amount))
	}
	if c := r.Change(); c > 0 {
		ls = append(ls, "找零: "+r.money(c))
	}
	return append(ls, "", "谢谢惠顾")
}
