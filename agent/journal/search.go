package journal

import (
	"errors"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Query selects journal entries. Zero fields do not filter.
type Query struct {
	// From and To bound the event time: [From, To).
	From, To time.Time
	// Amount (minor units) matches a receipt's total, amount due or a
	// tender, or a payment's approved or requested amount.
	Amount *int64
	// Receipt matches a receipt's number or a payment's receipt, trace or
	// reference number.
	Receipt string
	// Last4 matches the last four digits of a payment's masked card.
	Last4 string
	// Auth matches a payment's auth code.
	Auth string
	// Cashier matches receipts whose cashier contains it (case folded):
	// "李静" finds "007 李静". Payments name no cashier.
	Cashier string
	// Types lists event types ("receipt", "payment", ...); empty means
	// receipts and payments.
	Types []string
	// Limit caps the result; 0 means 100.
	Limit int
}

// Entry is one journal event with its id.
type Entry struct {
	ID    string
	Event drivers.Event
}

// errEnough stops a scan once the limit is reached.
var errEnough = errors.New("journal: enough")

// Search returns the entries that match q, oldest first.
func (j *Journal) Search(q Query) ([]Entry, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	types := q.Types
	if len(types) == 0 {
		types = []string{"receipt", "payment"}
	}
	var out []Entry
	err := j.Range(q.From, q.To, func(id string, ev drivers.Event) error {
		if !contains(types, ev.EventType()) || !q.match(ev) {
			return nil
		}
		out = append(out, Entry{ID: id, Event: ev})
		if len(out) >= limit {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return out, err
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// match applies the field filters to one event.
func (q Query) match(ev drivers.Event) bool {
	switch e := ev.(type) {
	case *drivers.Receipt:
		if q.Last4 != "" || q.Auth != "" {
			return false
		}
		if q.Cashier != "" && !strings.Contains(strings.ToLower(e.Cashier), strings.ToLower(q.Cashier)) {
			return false
		}
		if q.Receipt != "" && e.Number != q.Receipt {
			return false
		}
		if q.Amount != nil && !receiptHas(e, *q.Amount) {
			return false
		}
		return true
	case *drivers.Payment:
		if q.Cashier != "" {
			return false
		}
		if q.Receipt != "" && q.Receipt != e.ReceiptNo && q.Receipt != e.Trace && q.Receipt != e.Reference {
			return false
		}
		if q.Last4 != "" && !strings.HasSuffix(e.Card, q.Last4) {
			return false
		}
		if q.Auth != "" && e.AuthCode != q.Auth {
			return false
		}
		if q.Amount != nil && e.Amount != *q.Amount && e.Requested != *q.Amount {
			return false
		}
		return true
	default:
		return q.Receipt == "" && q.Last4 == "" && q.Auth == "" && q.Amount == nil && q.Cashier == ""
	}
}

func receiptHas(r *drivers.Receipt, amount int64) bool {
	for _, p := range []*int64{r.Total, r.Due} {
		if p != nil && *p == amount {
			return true
		}
	}
	for _, t := range r.Tenders {
		if t.Amount == amount {
			return true
		}
	}
	return false
}
