// Package money is the one place amounts are read and written: ISO 4217
// minor units per currency (CNY, EUR, USD 2 digits; CLP, JPY, KRW, ISK 0;
// KWD, BHD, OMR, JOD, TND 3), parsing what people type (CLI, remote
// commands), parsing what registers print (receipts, card slips,
// statements) and formatting for summaries, terminals and tables.
//
// Amounts are int64 counts of the currency's minor unit: EUR 20.40 is 2040,
// CLP 8000 is 8000, KWD 1.250 is 1250. An empty or unknown currency has two
// digits, as most do.
//
// The digits table is ISO 4217's list one (SIX, the maintenance agency),
// not golang.org/x/text/currency: that package carries CLDR's display
// digits, which differ from the minor units terminals count in for 22
// currencies (CLDR shows IQD with 0 digits where ISO 4217 has 3, and AFN,
// COP, IDR, PKR, RSD and others with 0 where it has 2) and lacks newer
// codes (MRU, SLE, UYW, VED, ZWG).
// TestCLDRDigits pins the differences.
//
// Sources: ISO 4217 list one (https://www.six-group.com/en/products-services/
// financial-information/data-standards.html, amendment 179, 2025);
// /work/shared/design/ESCPOS.md section 4 for printed forms (¥68.00,
// 68.00元, 1.234,50, full-width digits).
package money
