package receipt

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
)

// fields is a compact view of what Extract found.
type fields struct {
	number             string
	total, due, change int64 // -1 when nil
	tenders            string
	reprint            bool
}

func view(r *drivers.Receipt) fields {
	v := func(p *int64) int64 {
		if p == nil {
			return -1
		}
		return *p
	}
	var ts []string
	for _, t := range r.Tenders {
		ts = append(ts, string(t.Kind)+":"+strconv.FormatInt(t.Amount, 10))
	}
	return fields{r.Number, v(r.Total), v(r.Due), v(r.Change), strings.Join(ts, ","), r.Reprint}
}

func lines(s ...string) []drivers.Line {
	out := make([]drivers.Line, len(s))
	for i, t := range s {
		out[i] = drivers.Line{Text: t}
	}
	return out
}

func TestExtractGeneric(t *testing.T) {
	p, err := Builtin("generic")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		lines []drivers.Line
		want  fields
	}{
		{"simulator English card", lines("RECEIPT 0002", "Coffee 45.10", "TOTAL 45.10", "CARD 45.10"),
			fields{"0002", 4510, 4510, -1, "card:4510", false}},
		{"simulator English cash", lines("RECEIPT 0003", "TOTAL 45.10", "CASH 50.00", "CHANGE 4.90"),
			fields{"0003", 4510, 4510, 490, "cash:5000", false}},
		{"simulator Chinese", lines("流水号: 0001", "合计: 128.00", "应收: 120.00", "银行卡: 120.00"),
			fields{"0001", 12800, 12000, -1, "card:12000", false}},
		{"full-width colons and reduction", lines("流水号：20261122-0042", "合计：128.00", "优惠：-8.00", "应收：120.00", "银行卡：120.00"),
			fields{"20261122-0042", 12800, 12000, -1, "card:12000", false}},
		{"wide English receipt", lines("SALES RECEIPT NO: 7781", "Widget            2 x 5.00     10.00", "SUBTOTAL          11.50", "TAX                1.00",
			"TOTAL          12.50", "VISA           12.50", "CASHIER: Anna"),
			fields{"7781", 1250, 1250, -1, "card:1250", false}},
		{"amount due and split tender", lines("TOTAL 30.00", "DISCOUNT -5.00", "AMOUNT DUE 25.00", "CASH 20.00", "MASTERCARD 5.00", "CHANGE 0.00"),
			fields{"", 3000, 2500, 0, "cash:2000,card:500", false}},
		{"two pairs on one line", lines("总计: 68.00", "实收：100.00  找零：32.00", "现金：100.00"),
			fields{"", 6800, 6800, 3200, "cash:10000", false}},
		{"wallets and vouchers", lines("合计 88.00", "微信支付 50.00", "支付宝 20.00", "储值卡 18.00"),
			fields{"", 8800, 8800, -1, "wallet:5000,wallet:2000,voucher:1800", false}},
		{"reprint", lines("*** 重打印 ***", "合计 10.00"), fields{"", 1000, 1000, -1, "", true}},
		{"customer copy is no reprint", lines("CUSTOMER COPY", "TOTAL EUR 9.99"), fields{"", 999, 999, -1, "", false}},
		{"duplicate is a reprint", lines("DUPLICATE", "TOTAL 9.99"), fields{"", 999, 999, -1, "", true}},
		{"quantities, dates and card numbers are no amounts", lines("TOTAL ITEMS 3", "CARD NO 411111******1111", "日期 2016-5-6 21:32:49"),
			fields{"", -1, -1, -1, "", false}},
		{"currency marks", lines("TOTAL $ 14.25", "CASH ¥20"), fields{"", 1425, 1425, -1, "cash:2000", false}},
		{"lower case", lines("Total 3.00", "Visa 3.00"), fields{"", 300, 300, -1, "card:300", false}},
		{"header column is not a value", lines("菜品名称  数量  规格  小计", "消费合计：68.00"), fields{"", 6800, 6800, -1, "", false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &drivers.Receipt{Lines: tc.lines}
			p.Extract(r)
			if got := view(r); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if r.Profile != "generic" {
				t.Errorf("profile = %q", r.Profile)
			}
			// Extract is idempotent.
			p.Extract(r)
			if got := view(r); got != tc.want {
				t.Errorf("second Extract: %+v", got)
			}
		})
	}
}

// TestGBKBillDue decodes the real Chinese bill through escpos with the
// generic profile: due must be 68.00.
func TestGBKBillDue(t *testing.T) {
	data, err := os.ReadFile("testdata/SnailDev.EscPosParser_receipt-text.bin")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Builtin("generic")
	if err != nil {
		t.Fatal(err)
	}
	p.Currency = "CNY"
	d := escpos.New(escpos.Options{Fields: p})
	at := time.Date(2016, 5, 6, 21, 32, 49, 0, time.UTC)
	evs := d.Feed(drivers.Chunk{Time: at, Data: data})
	evs = append(evs, d.FlushAll()...)
	if len(evs) != 1 {
		t.Fatalf("events = %d, want 1", len(evs))
	}
	r := evs[0].(*drivers.Receipt)
	if r.Due == nil || *r.Due != 6800 || r.Total == nil || *r.Total != 6800 {
		t.Fatalf("due/total = %v/%v, want 6800\n%s", r.Due, r.Total, escpos.Render(r))
	}
	if r.Number != "0012" || r.Currency != "CNY" || len(r.Tenders) != 0 {
		t.Errorf("number=%q currency=%q tenders=%v", r.Number, r.Currency, r.Tenders)
	}
}

// TestProfileLiteral: a Profile built in code (not loaded) works too.
func TestProfileLiteral(t *testing.T) {
	p := &Profile{Name: "de", Labels: Labels{Total: []string{"SUMME"}}, Tenders: map[drivers.TenderKind][]string{drivers.TenderCard: {"KARTE"}}}
	r := &drivers.Receipt{Lines: lines("SUMME EUR 7,50", "KARTE 7,50")}
	p.Extract(r)
	if got := view(r); got != (fields{"", 750, 750, -1, "card:750", false}) {
		t.Errorf("got %+v", got)
	}
}

// BenchmarkExtract measures the generic profile on a 20-line receipt.
func BenchmarkExtract(b *testing.B) {
	p, err := Builtin("generic")
	if err != nil {
		b.Fatal(err)
	}
	ls := lines("RECEIPT 0002", "Coffee 4.10", "Tea 3.00", "Cake 5.50", "Water 1.20", "Bread 2.20",
		"Milk 1.10", "Juice 2.90", "Eggs 3.30", "Rice 4.40", "Salt 0.90", "Sugar 1.80", "Oil 5.60",
		"SUBTOTAL 36.00", "TAX 2.00", "TOTAL 38.00", "CASH 40.00", "CHANGE 2.00", "CASHIER: Anna", "Thank you")
	for b.Loop() {
		p.Extract(&drivers.Receipt{Lines: ls})
	}
}
