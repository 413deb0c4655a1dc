package detect

import (
	"strconv"
	"strings"
)

// decimals lists ISO 4217 currencies whose minor unit is not 1/100.
var decimals = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

// FormatMoney writes an amount in minor units with its ISO 4217 alpha code:
// "EUR 20.40", "CNY 68.00", "CLP 1500", "EUR -1.05". Without a currency it
// writes the number with two decimals.
func FormatMoney(minor int64, currency string) string {
	d, ok := decimals[currency]
	if !ok {
		d = 2
	}
	var b strings.Builder
	if currency != "" {
		b.WriteString(currency)
		b.WriteByte(' ')
	}
	u := uint64(minor)
	if minor < 0 {
		b.WriteByte('-')
		u = -u // two's complement: correct for math.MinInt64 too
	}
	s := strconv.FormatUint(u, 10)
	if d == 0 {
		b.WriteString(s)
		return b.String()
	}
	if len(s) <= d {
		s = strings.Repeat("0", d-len(s)+1) + s
	}
	b.WriteString(s[:len(s)-d])
	b.WriteByte('.')
	b.WriteString(s[len(s)-d:])
	return b.String()
}
