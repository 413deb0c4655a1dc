package receipt

import (
	"testing"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers"
)

// FuzzCashier: any line after a cashier label yields a name of at most
// maxCashier runes with no full card number in it, and never panics.
func FuzzCashier(f *testing.F) {
	for _, s := range []string{"收银员：007 李静   机号：03", "Cashier: Anna", "CASHIER #12\tREG 3", "Kassierer: 4111111111111111", "操作员:", "\xff"} {
		f.Add(s)
	}
	p, err := Builtin("generic")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r := &drivers.Receipt{Lines: []drivers.Line{{Text: line}}}
		p.Extract(r)
		if n := utf8.RuneCountInString(r.Cashier); n > maxCashier {
			t.Fatalf("cashier %q has %d runes", r.Cashier, n)
		}
		again := []byte(r.Cashier)
		drivers.MaskTextPANs(again)
		if string(again) != r.Cashier {
			t.Fatalf("cashier %q keeps a card number", r.Cashier)
		}
	})
}
