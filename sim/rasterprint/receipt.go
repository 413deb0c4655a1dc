package rasterprint

import (
	"fmt"
	"math/rand/v2"

	"github.com/tillwatch/tillwatch/drivers/money"
)

// Sale is what a sample receipt says: its number, goods and how it was
// paid (minor units).
type Sale struct {
	Chinese bool
	Number  string
	Items   []Sold
	Off     int64 // discount
	Tender  string
	Paid    int64 // handed over (cash; else the amount due)
}

// Sold is one article.
type Sold struct {
	Name  string
	Qty   int
	Price int64 // per article
}

var (
	cnGoods = []string{"可口可乐", "农夫山泉", "康师傅红烧牛肉面", "伊利纯牛奶", "奥利奥饼干", "德芙巧克力", "青岛啤酒", "旺仔牛奶", "乐事薯片", "白砂糖", "鸡蛋", "苹果", "香蕉", "大米五公斤", "洗洁精", "纸巾"}
	enGoods = []string{"Milk 1L", "Bread", "Coffee beans", "Orange juice", "Eggs x12", "Butter", "Apples", "Bananas", "Rice 5kg", "Dish soap", "Tissues", "Chocolate", "Cola 6-pack", "Yoghurt", "Cheese", "Tea"}
)

// SampleSale returns a deterministic sale for a seed.
func SampleSale(seed uint64, chinese bool) Sale {
	r := rand.New(rand.NewPCG(seed, 0x7e11))
	goods := enGoods
	if chinese {
		goods = cnGoods
	}
	s := Sale{Chinese: chinese, Number: fmt.Sprintf("2026%04d%04d", 1100+r.IntN(60), r.IntN(10000))}
	for range 3 + r.IntN(6) {
		s.Items = append(s.Items, Sold{Name: goods[r.IntN(len(goods))], Qty: 1 + r.IntN(3), Price: int64(50+r.IntN(9950)) / 10 * 10})
	}
	if r.IntN(3) == 0 {
		s.Off = int64(10 + r.IntN(300))
	}
	s.Tender = []string{"card", "cash", "wallet"}[r.IntN(3)]
	s.Paid = s.Due()
	if s.Tender == "cash" {
		s.Paid = (s.Due()/5000 + 1) * 5000
	}
	return s
}

// Total is the goods total.
func (s Sale) Total() int64 {
	var t int64
	for _, it := range s.Items {
		t += int64(it.Qty) * it.Price
	}
	return t
}

// Due is what the customer must pay.
func (s Sale) Due() int64 { return s.Total() - s.Off }

// Money formats minor units with two decimals (money.Number).
func Money(v int64) string { return money.Number(v, "") }

// Lines lays the sale out as a register would print it.
func (s Sale) Lines() []Line {
	w := map[bool][]string{
		true:  {"鑫隆便利店", "单号:", "收银员: 王芳", "合计", "优惠", "应收", "银行卡", "现金", "微信", "找零", "谢谢惠顾 欢迎再来"},
		false: {"SUNRISE MARKET", "RECEIPT NO", "Cashier: Anna", "TOTAL", "DISCOUNT", "AMOUNT DUE", "CARD", "CASH", "WECHAT PAY", "CHANGE", "Thank you for shopping"},
	}[s.Chinese]
	ls := []Line{{Center: w[0], Bold: true}, {Left: w[1] + " " + s.Number}, {Left: w[2]}}
	for _, it := range s.Items {
		ls = append(ls, Line{Left: fmt.Sprintf("%s x%d", it.Name, it.Qty), Right: Money(int64(it.Qty) * it.Price)})
	}
	ls = append(ls, Line{Left: w[3], Right: Money(s.Total()), Bold: true})
	if s.Off > 0 {
		ls = append(ls, Line{Left: w[4], Right: Money(-s.Off)})
	}
	ls = append(ls, Line{Left: w[5], Right: Money(s.Due()), Bold: true})
	tender := map[string]string{"card": w[6], "cash": w[7], "wallet": w[8]}[s.Tender]
	ls = append(ls, Line{Left: tender, Right: Money(s.Paid)})
	if s.Paid > s.Due() {
		ls = append(ls, Line{Left: w[9], Right: Money(s.Paid - s.Due())})
	}
	return append(ls, Line{Center: w[10]})
}

// Calibration lays out a test print for learning a driver's font: every
// article, every label and tender, and every digit in regular and bold,
// in the receipt's layout. A technician prints it once from the register
// and types (or confirms) its text.
func Calibration(chinese bool) []Line {
	s := Sale{Chinese: chinese, Number: "20261234567890", Tender: "card"}
	goods := enGoods
	if chinese {
		goods = cnGoods
	}
	for i, g := range goods {
		s.Items = append(s.Items, Sold{Name: g, Qty: 1 + i%3, Price: int64(i*123457%99990 + 10)})
	}
	ls := s.Lines()
	body := ls[:len(ls)-1]
	w := map[bool][]string{
		true:  {"合计", "应收", "现金", "找零", "微信", "优惠"},
		false: {"TOTAL", "AMOUNT DUE", "CASH", "CHANGE", "WECHAT PAY", "DISCOUNT"},
	}[chinese]
	extra := []Line{
		{Left: w[0], Right: "1234567.89", Bold: true}, {Left: w[1], Right: "9876543.20", Bold: true},
		{Left: w[5], Right: "-0.56"}, {Left: w[2], Right: "1234567.89"}, {Left: w[3], Right: "9876543.20"}, {Left: w[4], Right: "0.00"},
	}
	return append(append(body, extra...), ls[len(ls)-1])
}
