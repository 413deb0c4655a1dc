package main

import (
	"strings"
	"testing"
)

// TestProfileTest runs `profile test` on the receipt samples: ESC/POS bytes
// and plain text, table and JSON.
func TestProfileTest(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"profile", "test", "cn-supermarket", "../../drivers/receipt/testdata/samples/cn-supermarket.bin"}, 0,
			[]string{"(escpos, 24 lines)", "  17*  due            应收", "tenders card 100.00 (银联卡), cash 20.00 (现金)", "金龙鱼大米5kg"}},
		{[]string{"profile", "test", "restaurant", "../../drivers/receipt/testdata/samples/restaurant.txt"}, 0,
			[]string{"(text, 24 lines)", "应收金额", "due 280.00"}},
		{[]string{"profile", "test", "--json", "en-retail", "../../drivers/receipt/testdata/samples/en-retail.txt"}, 0,
			[]string{`"field":"tender:card","label":"VISA","value":"43.46","used":true`}},
		{[]string{"profile", "test", "nope", "../../drivers/receipt/testdata/samples/en-retail.txt"}, 2, nil},
		{[]string{"profile", "list"}, 0, []string{"cn-supermarket", "star-line"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args[1:], " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestProfileTestDotsPerInch: --dots-per-inch places positions given in
// GS P motion units as decode escpos does (ESC $ 120 of 1/90 inch: 240
// dots at 180 dpi, column 20; column 23 at the profile's 203); a density
// the decoder cannot honour is a usage error.
func TestProfileTestDotsPerInch(t *testing.T) {
	checkDotsPerInch(t, "profile", "test", "--ocr", "none", "generic")
}
