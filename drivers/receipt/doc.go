// Package receipt turns the printed lines of a receipt into fields: the
// receipt number, total, amount due, tenders (card, cash, wallet,
// voucher), change, and whether it is a reprint. A Profile is a set of
// labels loaded from YAML; "generic" (English and Simplified Chinese),
// "cn-supermarket", "restaurant", "en-retail" and "de-retail" (German) are
// built in. Profile implements escpos.FieldExtractor.
//
// Matching: every label is searched in every line, case-insensitively
// with Unicode full case folding (golang.org/x/text/cases: "Rückgeld"
// finds RÜCKGELD, "Straße" finds STRASSE); labels in scripts that space
// their words (Latin, Greek, Cyrillic) match whole words only ("CASH" is
// not in "CASHIER", "Bar" not in "Barübergabe"), Han, kana and Hangul
// labels anywhere;
// where labels overlap, the longest wins ("消费合计" holds 合计, total;
// "应收金额" is due; "SUBTOTAL" is not "TOTAL"). A label's value is the
// last amount between it and the next label on the same line, or the
// line's last amount when the line holds a single label and nothing
// follows it. Amounts are read by package money in the minor units of the
// profile's currency, else the lane's (ForLane). They must look like money
// (decimals or a currency mark; on a lane whose currency has no minor
// unit, such as CLP or JPY, plain integers too), so quantities, dates and
// times never become totals.
//
// Sources: /work/shared/design/ESCPOS.md section 4 (Chinese receipt and card
// slip labels); gopkg.in/yaml.v3 for positions in error messages.
package receipt
