package reconcile

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// Device is the source name of the payments read from a statement.
const Device = "statement"

// ErrStatement is wrapped by every error about a statement's content.
var ErrStatement = errors.New("bad statement")

// synonyms maps each column to the header names that mean it.
var synonyms = map[string][]string{
	"date":        {"date", "txn_date", "transaction date", "trans_date", "settle_date", "交易日期", "日期", "datum"},
	"time":        {"time", "txn_time", "transaction time", "trans_time", "交易时间", "时间", "uhrzeit"},
	"datetime":    {"datetime", "timestamp", "date_time", "交易日期时间", "交易时间戳"},
	"terminal_id": {"terminal_id", "terminal", "tid", "terminal id", "终端号", "终端编号", "terminal-id"},
	"type":        {"type", "txn_type", "transaction type", "trans_type", "交易类型", "transaktionsart"},
	"amount":      {"amount", "txn_amount", "transaction amount", "交易金额", "金额", "betrag"},
	"currency":    {"currency", "币种", "währung"},
	"card":        {"card", "card_no", "card_number", "pan", "card_last4", "卡号", "kartennummer"},
	"auth_code":   {"auth_code", "auth", "approval_code", "authcode", "授权码", "autorisierungscode"},
	"reference":   {"reference", "ref", "rrn", "reference_no", "参考号", "检索参考号", "referenz"},
	"trace":       {"trace", "stan", "voucher", "trace_no", "凭证号", "流水号"},
	"status":      {"status", "result", "交易状态", "状态", "应答码"},
}

// types maps statement type words to payment types.
var types = map[string]drivers.PaymentType{
	"": drivers.PaySale, "sale": drivers.PaySale, "purchase": drivers.PaySale, "消费": drivers.PaySale, "kauf": drivers.PaySale, "payment": drivers.PaySale,
	"refund": drivers.PayRefund, "退货": drivers.PayRefund, "退款": drivers.PayRefund, "gutschrift": drivers.PayRefund,
	"void": drivers.PayVoid, "reversal": drivers.PayVoid, "撤销": drivers.PayVoid, "消费撤销": drivers.PayVoid, "冲正": drivers.PayVoid, "storno": drivers.PayVoid,
	"preauth": drivers.PayPreAuth, "预授权": drivers.PayPreAuth,
	"capture": drivers.PayCapture, "预授权完成": drivers.PayCapture,
}

// okStatus are the status values of a successful transaction.
var okStatus = map[string]bool{"": true, "success": true, "succeeded": true, "approved": true, "ok": true, "00": true, "成功": true, "交易成功": true}

// Options say how to read a statement.
type Options struct {
	// Columns maps a column (date, time, amount, ...) to its header name
	// in this file, overriding the synonyms.
	Columns map[string]string
	// Location is the statement's time zone; nil is time.Local.
	Location *time.Location
	// Currency is used when the file has no currency column ("" = none).
	Currency string
	// Encoding is one of Encodings; "" detects it (see decode).
	Encoding string
}

// ReadStatement reads a statement into approved payments, in file order.
// A row it cannot read does not stop it: it returns the rows it could
// read with a BadRows error listing every bad one (line, column, field,
// cause). Other errors (no header, an unknown encoding) come alone.
func ReadStatement(r io.Reader, opts Options) ([]*drivers.Payment, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reconcile: read statement: %w", err)
	}
	b, _, err := decode(raw, opts.Encoding)
	if err != nil {
		return nil, err
	}
	lines := bytes.Split(b, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = sniffComma(b)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reconcile: statement header: %w: %w", ErrStatement, err)
	}
	cols, err := mapColumns(head, opts.Columns)
	if err != nil {
		return nil, err
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	var out []*drivers.Payment
	var bad BadRows
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			bad = append(bad, &RowError{Line: pe.Line, Column: charColumn(lines, pe.Line, pe.Column), Field: "csv", Err: pe.Err})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reconcile: statement: %w: %w", ErrStatement, err)
		}
		p, err := row(rec, cols, loc, opts.Currency)
		var fe *fieldError
		if errors.As(err, &fe) {
			idx, ok := cols[fe.field]
			if !ok { // a date or time read from the datetime column
				idx = cols["datetime"]
			}
			line, col := cr.FieldPos(min(idx, len(rec)-1))
			bad = append(bad, &RowError{Line: line, Column: charColumn(lines, line, col), Field: fe.field, Err: fe.err})
			continue
		}
		if err != nil {
			return nil, err
		}
		if p != nil {
			out = append(out, p)
		}
	}
	if len(bad) > 0 {
		return out, bad
	}
	return out, nil
}

// charColumn turns csv's 1-based byte column on a line into the 1-based
// character column an editor shows.
func charColumn(lines [][]byte, line, col int) int {
	if line < 1 || line > len(lines) || col < 1 {
		return col
	}
	l := lines[line-1]
	return utf8.RuneCount(l[:min(col-1, len(l))]) + 1
}

// sniffComma picks the separator of the header line.
func sniffComma(b []byte) rune {
	first, _, _ := bytes.Cut(b, []byte("\n"))
	best, n := ',', bytes.Count(first, []byte(","))
	for _, c := range []rune{';', '\t'} {
		if k := bytes.Count(first, []byte(string(c))); k > n {
			best, n = c, k
		}
	}
	return best
}

// mapColumns finds each column's index in the header.
func mapColumns(head []string, named map[string]string) (map[string]int, error) {
	cols := map[string]int{}
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	for col, name := range named {
		if _, ok := synonyms[col]; !ok {
			return nil, fmt.Errorf("reconcile: unknown column %q (want one of date, time, datetime, terminal_id, type, amount, currency, card, auth_code, reference, trace, status): %w", col, ErrStatement)
		}
		found := false
		for i, h := range head {
			if norm(h) == norm(name) {
				cols[col], found = i, true
			}
		}
		if !found {
			return nil, fmt.Errorf("reconcile: column %s=%q is not in the header %q: %w", col, name, head, ErrStatement)
		}
	}
	for col, names := range synonyms {
		if _, ok := cols[col]; ok {
			continue
		}
		for i, h := range head {
			for _, n := range names {
				if norm(h) == n {
					if _, ok := cols[col]; !ok {
						cols[col] = i
					}
				}
			}
		}
	}
	if _, ok := cols["amount"]; !ok {
		return nil, fmt.Errorf("reconcile: no amount column in the header %q (name it with --column amount=NAME): %w", head, ErrStatement)
	}
	_, d := cols["date"]
	_, dt := cols["datetime"]
	if !d && !dt {
		return nil, fmt.Errorf("reconcile: no date or datetime column in the header %q (name it with --column date=NAME): %w", head, ErrStatement)
	}
	return cols, nil
}

// row turns one record into a payment; nil for a row that did not
// succeed.
func row(rec []string, cols map[string]int, loc *time.Location, currency string) (*drivers.Payment, error) {
	get := func(col string) string {
		if i, ok := cols[col]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	if !okStatus[strings.ToLower(get("status"))] {
		return nil, nil
	}
	typ, ok := types[strings.ToLower(get("type"))]
	if !ok {
		return nil, badField("type", "%q is not a sale, refund, void, preauth or capture", get("type"))
	}
	when, err := when(get("date"), get("time"), get("datetime"), loc)
	if err != nil {
		return nil, err
	}
	cur := strings.ToUpper(get("currency"))
	switch cur {
	case "":
		cur = currency
	case "RMB", "人民币":
		cur = "CNY"
	}
	a, ok := money.ParsePrinted(strings.ReplaceAll(get("amount"), " ", ""), cur)
	if !ok {
		return nil, badField("amount", "%q is not an amount in %s", get("amount"), cmp.Or(cur, "the lane's currency"))
	}
	amount := a.Minor
	p := &drivers.Payment{
		Head: drivers.Head{Time: when, Device: Device}, Type: typ, Result: drivers.Approved,
		Amount: max(amount, -amount), Currency: cur, AuthCode: get("auth_code"), Reference: get("reference"),
		Trace: get("trace"), TerminalID: get("terminal_id"), Text: "from the acquirer's statement",
	}
	if c := get("card"); c != "" {
		p.Card = drivers.MaskPAN(c)
	}
	return p, nil
}

var (
	dateLayouts = []string{"2006-01-02", "2006/01/02", "20060102", "02.01.2006", "2006.01.02"}
	timeLayouts = []string{"15:04:05", "15:04", "150405"}
)

// when parses a row's date and time.
func when(date, clock, datetime string, loc *time.Location) (time.Time, error) {
	if datetime != "" {
		for _, dl := range dateLayouts {
			for _, tl := range timeLayouts {
				for _, sep := range []string{" ", "T", ""} {
					if t, err := time.ParseInLocation(dl+sep+tl, datetime, loc); err == nil {
						return t, nil
					}
				}
			}
		}
		return time.Time{}, badField("datetime", "%q: want e.g. 2026-11-22 10:15:03", datetime)
	}
	for _, dl := range dateLayouts {
		d, err := time.ParseInLocation(dl, date, loc)
		if err != nil {
			continue
		}
		if clock == "" {
			return d, nil
		}
		for _, tl := range timeLayouts {
			if c, err := time.Parse(tl, clock); err == nil {
				return d.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute + time.Duration(c.Second())*time.Second), nil
			}
		}
		return time.Time{}, badField("time", "%q: want e.g. 10:15:03", clock)
	}
	return time.Time{}, badField("date", "%q: want e.g. 2026-11-22", date)
}
