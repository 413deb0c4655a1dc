package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// Search limits.
const (
	// DefaultLimit and MaxLimit bound journal_search's entries.
	DefaultLimit = 20
	MaxLimit     = 50
	maxArg       = 64 // longest string argument
)

// searchTypes are the event types journal_search may ask for.
var searchTypes = []string{"receipt", "payment", "printer_status", "settlement", "link", "damage"}

// SearchArgs are journal_search's arguments. Zero fields do not filter.
type SearchArgs struct {
	// Amount is a decimal amount in the lane's currency: "68.00" on a
	// CNY lane, "1500" on a CLP lane (money.Parse).
	Amount string `json:"amount,omitempty"`
	// Date is a day in the lane's time zone, 2006-01-02. From and To
	// (RFC 3339) bound the time instead: [From, To).
	Date    string    `json:"date,omitempty"`
	From    time.Time `json:"from,omitzero"`
	To      time.Time `json:"to,omitzero"`
	Last4   string    `json:"last4,omitempty"`
	Receipt string    `json:"receipt,omitempty"`
	Auth    string    `json:"auth,omitempty"`
	Types   []string  `json:"types,omitempty"`
	Limit   int       `json:"limit,omitempty"`
}

// SearchResult is journal_search's result.
type SearchResult struct {
	Count     int           `json:"count"`
	Truncated bool          `json:"truncated,omitempty"`
	Entries   []SearchEntry `json:"entries"`
}

// SearchEntry is one journal event, card numbers masked.
type SearchEntry struct {
	ID    string          `json:"id"`
	Type  string          `json:"type"`
	Event json.RawMessage `json:"event"`
}

var last4Pattern = regexp.MustCompile(`^[0-9]{4}$`)

// query turns the arguments into a journal query.
func (a SearchArgs) query(loc *time.Location, currency string) (journal.Query, error) {
	q := journal.Query{From: a.From, To: a.To, Receipt: a.Receipt, Last4: a.Last4, Auth: a.Auth, Limit: a.Limit}
	for _, s := range []string{a.Amount, a.Date, a.Receipt, a.Auth} {
		if len(s) > maxArg {
			return q, fmt.Errorf("argument longer than %d bytes", maxArg)
		}
	}
	if a.Amount != "" {
		minor, err := money.Parse(a.Amount, currency)
		if err != nil {
			return q, err
		}
		q.Amount = &minor
	}
	if a.Date != "" {
		if !a.From.IsZero() || !a.To.IsZero() {
			return q, fmt.Errorf("give date or from/to, not both")
		}
		d, err := time.ParseInLocation(time.DateOnly, a.Date, loc)
		if err != nil {
			return q, fmt.Errorf("date %q: want YYYY-MM-DD", a.Date)
		}
		q.From, q.To = d, d.AddDate(0, 0, 1)
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return q, fmt.Errorf("to is not after from")
	}
	if a.Last4 != "" && !last4Pattern.MatchString(a.Last4) {
		return q, fmt.Errorf("last4 must be 4 digits")
	}
	for _, t := range a.Types {
		if !slices.Contains(searchTypes, t) {
			return q, fmt.Errorf("type %q: want one of %v", t, searchTypes)
		}
	}
	q.Types = a.Types
	switch {
	case a.Limit < 0 || a.Limit > MaxLimit:
		return q, fmt.Errorf("limit %d not in 1..%d", a.Limit, MaxLimit)
	case a.Limit == 0:
		q.Limit = DefaultLimit
	}
	return q, nil
}

// search runs journal_search.
func (h *Handler) search(ctx context.Context, raw json.RawMessage) (any, error) {
	if h.cfg.Journal == nil {
		return nil, fmt.Errorf("journal not available")
	}
	var args SearchArgs
	if len(raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&args); err != nil {
			return nil, fmt.Errorf("args: %w", err)
		}
	}
	q, err := args.query(h.cfg.Location, h.cfg.Currency)
	if err != nil {
		return nil, fmt.Errorf("args: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	found, err := h.cfg.Journal.Search(q)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	res := SearchResult{Entries: []SearchEntry{}}
	size := 256 // the reply's envelope
	for _, e := range found {
		b, err := json.Marshal(safe(e.Event))
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", e.ID, err)
		}
		size += len(b) + len(e.ID) + 48
		if size > MaxReply {
			res.Truncated = true
			break
		}
		res.Entries = append(res.Entries, SearchEntry{ID: e.ID, Type: e.Event.EventType(), Event: b})
	}
	res.Count = len(res.Entries)
	return res, nil
}

// safe returns ev with every card number masked: a payment's card through
// drivers.MaskPAN (the journal stores it masked already; this is the
// boundary check), and receipt lines through drivers.MaskTextPANs.
func safe(ev drivers.Event) drivers.Event {
	switch e := ev.(type) {
	case *drivers.Payment:
		cp := *e
		if cp.Card != "" {
			cp.Card = drivers.MaskPAN(cp.Card)
		}
		return &cp
	case *drivers.Receipt:
		cp := *e
		cp.Lines = slices.Clone(e.Lines)
		for i := range cp.Lines {
			b := []byte(cp.Lines[i].Text)
			drivers.MaskTextPANs(b)
			cp.Lines[i].Text = string(b)
		}
		return &cp
	}
	return ev
}
