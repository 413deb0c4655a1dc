package journalapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// Query parameters of a search (URL and CLI flags alike).
const (
	ParamDate    = "date"    // 2026-11-22: that local day
	ParamFrom    = "from"    // RFC 3339, or local "2026-11-22 10:00[:05]" / "2026-11-22"
	ParamTo      = "to"      // exclusive, same forms as from
	ParamAmount  = "amount"  // decimal, in the lane's currency
	ParamReceipt = "receipt" // receipt number, or a payment's receipt/trace/reference number
	ParamLast4   = "last4"   // last four digits of the card
	ParamAuth    = "auth"    // auth code
	ParamCashier = "cashier" // who rang the receipt (part of the name)
	ParamType    = "type"    // receipt, payment, settlement, printer_status, link (comma separated)
	ParamLimit   = "limit"   // at most this many entries (default 100)
)

// ParseQuery builds a journal query from URL parameters. Amounts are read
// in currency, times in loc.
func ParseQuery(v url.Values, currency string, loc *time.Location) (journal.Query, error) {
	var q journal.Query
	if d := v.Get(ParamDate); d != "" {
		if v.Get(ParamFrom) != "" || v.Get(ParamTo) != "" {
			return q, fmt.Errorf("journalapi: give date or from/to, not both")
		}
		from, to, err := Day(d, loc)
		if err != nil {
			return q, err
		}
		q.From, q.To = from, to
	}
	var err error
	if s := v.Get(ParamFrom); s != "" {
		if q.From, err = ParseTime(s, loc); err != nil {
			return q, err
		}
	}
	if s := v.Get(ParamTo); s != "" {
		if q.To, err = ParseTime(s, loc); err != nil {
			return q, err
		}
	}
	if s := v.Get(ParamAmount); s != "" {
		a, err := money.Parse(s, currency)
		if err != nil {
			return q, err // "money: amount ...: want a decimal like 68.00 ..."
		}
		q.Amount = &a
	}
	q.Receipt, q.Auth = strings.TrimSpace(v.Get(ParamReceipt)), strings.TrimSpace(v.Get(ParamAuth))
	q.Cashier = strings.TrimSpace(v.Get(ParamCashier))
	if s := strings.TrimSpace(v.Get(ParamLast4)); s != "" {
		if len(s) != 4 || !isDigits(s) {
			return q, fmt.Errorf("journalapi: last4 %q: want the card's last four digits", s)
		}
		q.Last4 = s
	}
	if s := v.Get(ParamType); s != "" {
		for _, t := range strings.Split(s, ",") {
			if t = strings.TrimSpace(t); t != "" {
				q.Types = append(q.Types, t)
			}
		}
	}
	if s := v.Get(ParamLimit); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return q, fmt.Errorf("journalapi: limit %q: want a number", s)
		}
		q.Limit = n
	}
	return q, nil
}

// Day is the local day d (2026-11-22) in loc: [midnight, next midnight).
func Day(d string, loc *time.Location) (from, to time.Time, err error) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(d), loc)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("journalapi: date %q: want YYYY-MM-DD: %w", d, err)
	}
	return t, t.AddDate(0, 0, 1), nil
}

// ParseTime reads RFC 3339 or a local "2006-01-02 15:04[:05]" (a T may
// replace the space) or a date (its midnight).
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{time.DateTime, "2006-01-02 15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, strings.Replace(s, "T", " ", 1), loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("journalapi: time %q: want RFC 3339 or 2006-01-02 15:04[:05]", s)
}

// isDigits reports whether s is ASCII digits only.
func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
