// Package slip reads card slips (签购单, Kundenbeleg, customer receipt): the
// text a card terminal prints, or sends to the register to print (ZVT 06 D3
// / 06 D1), for each transaction. A slip profile (YAML) names the labels of
// a slip's fields; Profile.Parse turns a slip's lines into a Slip with the
// transaction type, amount, auth code, reference (参考号), trace (凭证号),
// receipt number, terminal id (终端编号), merchant id (商户编号), batch
// (批次号) and the card number, masked with drivers.MaskPAN before it leaves
// the parser.
//
// Two profiles are built in: "unionpay" (Chinese UnionPay-style slips with
// bilingual labels) and "de-en" (German/English terminal slips, written from
// the real hobex and Feig slips in drivers/zvt/testdata). A site may load its
// own with Load.
//
// A slip is evidence of a payment, not a second payment. Decoder wraps a
// printer's decoder for lanes whose terminal has no link to tap: a slip
// printed through the register's printer becomes a drivers.Payment (once:
// the merchant and the customer copy are one transaction; reprints are
// none), and the slip's print job keeps no tenders, so it can never stand in
// for the register's own receipt. On a lane with a terminal link the
// terminal's result is the payment and slips only fill fields it lacks
// (Slip.Fill); never configure both for one terminal.
//
// Layout rules, from the slips in testdata: a label counts at the start of
// a line or after two spaces; an English gloss in brackets after a Chinese
// label is skipped; separators (: ： # =) are skipped; the value is the rest
// of the line or, when that is empty, the next non-empty line (金额(AMOUNT):
// then RMB 100.00). Amounts are printed negative on voids and refunds; a
// Slip's amount is the magnitude and its Type says the direction.
package slip
