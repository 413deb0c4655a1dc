package tesseract

import "testing"

func TestFixDigits(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Tea xl 86.40", "Tea x1 86.40"},           // eng reads 1 after x as l
		{"奥利奥饼干 xi 26.50", "奥利奥饼干 x1 26.50"},       // or i
		{"Milk x1O 4.50", "Milk x10 4.50"},         // O as 0
		{"Tea x1 86.40", "Tea x1 86.40"},           // right already
		{"Shirt size xl", "Shirt size xl"},         // no amount after: a size
		{"Shirt xl", "Shirt xl"},                   //
		{"Cola xl2 1O.5O", "Cola x12 10.50"},       // a digit: a quantity
		{"TOTAL 1O.5O", "TOTAL 10.50"},             // amount with look-alikes
		{"DISCOUNT -1.5O", "DISCOUNT -1.50"},       // negative
		{"Oil x2 3.20", "Oil x2 3.20"},             // words stay
		{"lOl 3.20", "lOl 3.20"},                   // no digit in it: a word
		{"No 2O26", "No 2O26"},                     //
		{"Io 1.0", "Io 1.0"},                       // one digit only
		{"xo 5.00", "x0 5.00"},                     //
		{"x 5.00", "x 5.00"},                       // a lone x
		{"Rice 5kg x1 15.90", "Rice 5kg x1 15.90"}, // units stay
		{"收银员: 王芳", "收银员: 王芳"},                     //
		{"Water 25l 3.20", "Water 25l 3.20"},       // litres: no decimal point
		{"DISCOUNT -2.l0", "DISCOUNT -2.10"},       //
		{"Cola 0,5l 2,49", "Cola 0,5l 2,49"},       // a volume, not 0,51
		{"Milk 1.5l 1.29", "Milk 1.5l 1.29"},       //
		{"BAG 2 .10", "BAG 2 .10"},                 // two columns stay apart
		{"", ""},                                   //
	} {
		if got := fixDigits(c.in); got != c.want {
			t.Errorf("fixDigits(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
