package template

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// ErrField: a field value that does not fit (an amount that is not one).
var ErrField = errors.New("bad field")

// build turns the field values of a matched record into an event; a
// request returns nil and updates *requested.
func (t *Template) build(idx int, r *record, v map[string]string, at time.Time, requested *int64) (drivers.Event, error) {
	fail := func(field string, err error) error {
		return fmt.Errorf("template %s: records[%d]: field %s: %w", t.Name, idx, field, err)
	}
	cur := t.currency
	if c := strings.ToUpper(strings.TrimSpace(v["currency"])); len(c) == 3 {
		cur = c
	}
	amt, err := t.amount(v["amount"], cur)
	if err != nil {
		return nil, fail("amount", err)
	}
	switch r.event {
	case EventRequest:
		*requested = amt
		return nil, nil
	case EventSettlement:
		total, err := t.amount(v["total"], cur)
		if err != nil {
			return nil, fail("total", err)
		}
		count, err := number(v["count"])
		if err != nil {
			return nil, fail("count", err)
		}
		return &drivers.Settlement{Head: drivers.Head{Time: at}, Total: total, Count: int(count), Currency: cur,
			Trace: scrub(v["trace"]), TerminalID: scrub(v["terminal_id"])}, nil
	}
	p := &drivers.Payment{Head: drivers.Head{Time: at}, Type: r.typ, Result: r.result, Currency: cur,
		AuthCode: scrub(v["auth"]), Trace: scrub(v["trace"]), ReceiptNo: scrub(v["receipt"]), Reference: scrub(v["reference"]),
		TerminalID: scrub(v["terminal_id"]), Card: maskCard(v["card"]), OriginalTrace: scrub(v["original_trace"]),
		OriginalReceipt: scrub(v["original_receipt"]), Text: scrub(v["text"])}
	if p.Type == "" {
		p.Type = drivers.PaySale
		if s, ok := v["type"]; ok {
			if p.Type, ok = t.types[strings.ToUpper(strings.TrimSpace(s))]; !ok {
				p.Type = drivers.PayUnknown
			}
		}
	}
	code := strings.TrimSpace(v["result"])
	if n, err := number(code); err == nil && code != "" {
		p.ResultCode = int(n)
	}
	if p.Result == "" {
		var ok bool
		if p.Result, ok = t.results[strings.ToUpper(code)]; !ok {
			p.Result = drivers.Declined
		}
	}
	req := amt
	if s := v["requested"]; s != "" {
		if req, err = t.amount(s, cur); err != nil {
			return nil, fail("requested", err)
		}
	} else if *requested > 0 {
		req = *requested
	}
	*requested = 0
	p.Requested = req
	if p.Result == drivers.Approved {
		p.Amount = amt
	}
	return p, nil
}

// amount parses a decimal amount into minor units of cur (or of
// amount.decimals when the template sets it): "12.34", "12,34",
// "1,234.50", "1.234,50" and "12" (= 12.00, or 12 minor units with
// amount.implied) are understood (money.ParsePrintedDigits); a sign is
// ignored (the type says which way money moved).
func (t *Template) amount(s, cur string) (int64, error) {
	s = strings.TrimLeft(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), "+-")
	if s == "" {
		return 0, nil
	}
	if t.implied && !strings.ContainsAny(s, ".,") {
		return number(s)
	}
	d := t.digits(cur)
	p, ok := money.ParsePrintedDigits(s, d)
	if !ok {
		return 0, fmt.Errorf("%q is not an amount with at most %d decimals: %w", s, d, ErrField)
	}
	return p.Minor, nil
}

// digits is the number of decimals amounts in cur have: amount.decimals
// when the template sets it, else the currency's (ISO 4217).
func (t *Template) digits(cur string) int {
	if t.decimals != nil {
		return *t.decimals
	}
	return money.Digits(cur)
}

// number parses up to 15 decimal digits; empty is 0.
func number(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if len(s) > 15 {
		return 0, fmt.Errorf("%d digits: %w", len(s), ErrField)
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("not a number (%d bytes): %w", len(s), ErrField)
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// maskCard cuts track data at its separator and masks the number.
func maskCard(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	s = strings.TrimLeft(s, ";%B")
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '=' || c == '^' || c == 'D' || c == 'd' {
			s = s[:i]
			break
		}
	}
	return drivers.MaskPAN(s)
}

// scrub trims a text field and masks card numbers in it.
func scrub(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 13 {
		return s
	}
	b := []byte(s)
	maskTextPANs(b)
	return string(b)
}
