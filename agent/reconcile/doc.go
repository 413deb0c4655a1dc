// Package reconcile checks a standalone terminal after the fact: it reads
// an acquirer's daily transaction file (a statement, 对账单) and compares
// it with the lane's electronic journal, raising the same alerts the live
// detector raises (payment_without_receipt for a statement sale with no
// register receipt, amount_mismatch, refund_without_sale, and the other
// kinds of package detect), with ids derived from the evidence, so that
// reconciling the same statement twice gives the same ids.
//
// Statement format: CSV (comma, semicolon or tab; UTF-8 with or without a
// BOM, UTF-16 with a BOM as Excel's "Unicode text" writes it, GBK as
// Chinese bank portals export it, or Windows-1252/Latin-1 as Excel on a
// European PC saves it: detected, or named with Options.Encoding), one
// header line, one transaction a line. A bad row does not stop the
// reading: ReadStatement returns the good rows and a BadRows error with
// the line, column, field and cause of every bad one. Columns are found by their header names
// (case-insensitive; English, Chinese and German synonyms below) or named
// with Columns; other columns are ignored:
//
//	date         date, txn_date, transaction date, settle_date, 交易日期, 日期, Datum
//	time         time, txn_time, transaction time, 交易时间, 时间, Uhrzeit
//	datetime     datetime, timestamp, 交易日期时间, 交易时间戳 (date and time in one)
//	terminal_id  terminal_id, terminal, tid, 终端号, 终端编号, Terminal-ID
//	type         type, txn_type, transaction type, 交易类型, Transaktionsart
//	amount       amount, txn_amount, 交易金额, 金额, Betrag (required)
//	currency     currency, 币种, Währung
//	card         card, card_no, card_number, pan, card_last4, 卡号, Kartennummer
//	auth_code    auth_code, auth, approval_code, 授权码, Autorisierungscode
//	reference    reference, ref, rrn, 参考号, 检索参考号, Referenz
//	trace        trace, stan, voucher, 凭证号, 流水号, Trace
//	status       status, result, 交易状态, 状态, 应答码 (rows that are not a
//	             success, 00, approved, 成功 or 交易成功 are skipped)
//
// Dates: 2006-01-02, 2006/01/02, 20060102, 02.01.2006; times: 15:04:05,
// 15:04, 150405; in the time zone given (default the machine's). Types:
// sale (sale, purchase, 消费, KAUF), refund (refund, 退货, 退款, GUTSCHRIFT),
// void (void, reversal, 撤销, 冲正, STORNO), preauth (预授权), capture
// (预授权完成); an empty type is a sale. Amounts may be negative on
// refunds; the type decides the direction. Card numbers are masked with
// drivers.MaskPAN as they are read.
//
// The journal is read with buffer.Open on the agent's data directory. Badger
// locks the directory: stop the agent first (the error says so).
//
// A statement row that the journal already holds as a terminal payment
// (same type and amount, and the same auth code, reference or trace) was
// checked live and is not fed twice.
package reconcile
