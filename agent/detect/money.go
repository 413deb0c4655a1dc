package detect

import "github.com/tillwatch/tillwatch/drivers/money"

// FormatMoney writes an amount in minor units with its ISO 4217 alpha code
// for the rules' summaries ("EUR 20.40", "CLP 8000", "KWD 1.250"); see
// money.Format.
func FormatMoney(minor int64, currency string) string { return money.Format(minor, currency) }
