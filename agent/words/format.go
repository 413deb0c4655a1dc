package words

import (
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers/money"
)

// Clock writes a time of day in loc with its zone: "11:26:25 CST". A nil
// loc is UTC.
func Clock(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("15:04:05 MST")
}

// DateTime writes a date and time in loc with its zone:
// "2026-11-22 11:26 CST".
func DateTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// Money writes an amount in minor units the way lang writes money:
// "CNY 35.50" (en), "35,50 EUR" (de), "¥35.50" for yuan and "EUR 35.50"
// otherwise (zh-CN). Decimals follow the currency (ISO 4217).
func Money(minor int64, currency string, lang Lang) string {
	s := money.Number(minor, currency)
	switch lang {
	case DE:
		s = strings.Replace(s, ".", ",", 1)
		if currency == "" {
			return s
		}
		return s + " " + currency
	case ZH:
		if currency == "CNY" {
			if strings.HasPrefix(s, "-") {
				return "-¥" + s[1:]
			}
			return "¥" + s
		}
	}
	if currency == "" {
		return s
	}
	return currency + " " + s
}
