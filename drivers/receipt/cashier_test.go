package receipt

import (
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

func receiptOf(l []drivers.Line) *drivers.Receipt { return &drivers.Receipt{Lines: l} }

// TestExtractCashier: who rang the receipt, as Chinese, English and German
// registers print it.
func TestExtractCashier(t *testing.T) {
	p, err := Builtin("generic")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		line string
		want string
	}{
		{"full-width colon, id and name, then a wide gap", "收银员：007 李静   机号：03", "007 李静"},
		{"操作员 with ASCII colon", "操作员:张伟", "张伟"},
		{"English", "Cashier: Anna M.", "Anna M."},
		{"English upper case, tab", "CASHIER #12\tREG 3", "12"},
		{"German", "Kassierer: Jürgen", "Jürgen"},
		{"German Bediener", "Bediener 4711", "4711"},
		{"a label alone names nobody", "Cashier:", ""},
		{"a card number in the name is masked", "Cashier 4111111111111111", "411111******1111"},
		{"a word containing the label is no label", "Cashiers welcome", ""},
		// Masked before the name is cut to maxCashier: cut first, the
		// number's first 13 digits were kept unmasked (no longer a card
		// number once cut).
		{"a card number past the name's length is masked", "Cashier: Maria Gonzalez 4111 1111 1111 1111", "Maria Gonzalez 4111 11** **** 11"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := receiptOf(lines("RECEIPT 0001", c.line, "TOTAL 1.00", "CASH 1.00"))
			p.Extract(r)
			if r.Cashier != c.want {
				t.Errorf("cashier %q, want %q", r.Cashier, c.want)
			}
		})
	}
	long := "Cashier Maximilian-Alexander von Hohenzollern-Sigmaringen"
	r := receiptOf(lines(long))
	p.Extract(r)
	if n := len([]rune(r.Cashier)); n == 0 || n > maxCashier {
		t.Errorf("long name kept as %q (%d runes)", r.Cashier, n)
	}
}
