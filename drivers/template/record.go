package template

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// ErrField: a field value that does not fit (an amount that is not one).
var ErrField = errors.New("bad field")

// build turns the field values of a matched record into an event; a
// request returns nil and updates *requested.
func (t *Template) build(idx int, r *record, v map[string]string, at time.Time, requested *int64) (drivers.Event, error) {
	fail := func(field string, err error) error {
		return fmt.Errorf("template %s: records[%d]: field %s: %w", t.Name, idx, field, err)
	}
	amt, err := t.amount(v["amount"])
	if err != nil {
		return nil, fail("amount", err)
	}
	cur := t.currency
	if c := strings.ToUpper(strings.TrimSpace(v["currency"])); len(c) == 3 {
		cur = c
	}
	switch r.event {
	case EventRequest:
		*requested = amt
		return nil, nil
	case EventSettlement:
		total, err := t.amount(v["total"])
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
		if req, err = t.amount(s); err != nil {
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

// amount parses a decimal amount into minor units. "12.34", "12,34",
// "1,234.50", "1.234,50" and "12" (= 12.00, or 12 minor units with
// amount.implied) are understood; a sign is ignored (the type says which
// way money moved).
func (t *Template) amount(s string) (int64, error) {
	s = strings.TrimLeft(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), "+-")
	if s == "" {
		return 0, nil
	}
	dec := strings.LastIndexAny(s, ".,")
	intPart, frac := s, ""
	if dec >= 0 {
		sep := s[dec]
		other := byte(',')
		if sep == ',' {
			other = '.'
		}
		if strings.IndexByte(s, other) >= 0 && strings.IndexByte(s, other) < dec ||
			strings.Count(s, string(sep)) == 1 && len(s)-dec-1 <= t.decimals && t.decimals > 0 {
			intPart, frac = s[:dec], s[dec+1:]
		}
		intPart = strings.NewReplacer(".", "", ",", "").Replace(intPart)
	} else if t.implied {
		return number(s)
	}
	if len(frac) > t.decimals {
		return 0, fmt.Errorf("%d decimals, template allows %d: %w", len(frac), t.decimals, ErrField)
	}
	frac += strings.Repeat("0", t.decimals-len(frac))
	return number(intPart + frac)
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
