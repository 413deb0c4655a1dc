package journalapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers/money"

	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/drivers"
)

// Total is a count and a sum in minor units.
type Total struct {
	Count  int   `json:"count"`
	Amount int64 `json:"amount"`
}

func (t *Total) add(v int64) { t.Count++; t.Amount += v }

// Summary is a lane's day: the register's receipts per tender kind and the
// terminal's approved payments, plus the terminal's own settlements.
type Summary struct {
	ID       string    `json:"id"`
	Site     string    `json:"site"`
	Lane     string    `json:"lane"`
	Day      string    `json:"day"` // local date, YYYY-MM-DD
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Currency string    `json:"currency,omitempty"`
	// Partial says the summary does not cover the whole day: the day was
	// not over when it was made (Until), or the agent did not watch all of
	// it (WatchedFrom, Unwatched).
	Partial bool `json:"partial,omitempty"`
	// Until is when a summary of a day not yet over was made.
	Until time.Time `json:"until,omitzero"`
	// WatchedFrom is when the journal begins, when that is within the day
	// (the agent first ran then).
	WatchedFrom time.Time `json:"watched_from,omitzero"`
	// Unwatched says the journal begins after the day: the agent did not
	// run that day and its zeros mean nothing (the daily summary is not
	// published).
	Unwatched bool `json:"unwatched,omitempty"`
	// Receipts are the register's receipts that carry an amount, copies
	// left out; Reprints counts the copies.
	Receipts Total `json:"receipts"`
	Reprints int   `json:"reprints"`
	// Tenders are per kind, net of the change given back (Change counts
	// the receipts that gave change and its sum), so they add up to
	// Receipts.
	Tenders map[drivers.TenderKind]Total `json:"tenders"`
	Change  Total                        `json:"change"`
	// Card payments the terminal approved, by type.
	Sales   Total `json:"card_sales"`
	Refunds Total `json:"card_refunds"`
	Voids   Total `json:"card_voids"`
	// Declined counts declined or aborted attempts.
	Declined int `json:"declined"`
	// Settlements are the terminal's end-of-day totals seen that day.
	Settlements []Settlement `json:"settlements,omitempty"`
	// Cashiers counts receipts and incidents per cashier (AddCashiers).
	Cashiers map[string]*CashierDay `json:"cashiers,omitempty"`
}

// Settlement is one terminal settlement in a summary.
type Settlement struct {
	Time       time.Time `json:"time"`
	Device     string    `json:"device,omitempty"`
	TerminalID string    `json:"terminal_id,omitempty"`
	Count      int       `json:"count"`
	Total      int64     `json:"total"`
	Currency   string    `json:"currency,omitempty"`
}

// SummaryID is the summary's message id: the same for a lane and day
// whenever it is computed, so the outbox publishes it once.
func SummaryID(site, lane, day string) string {
	h := sha256.Sum256([]byte("settlement\x00" + site + "\x00" + lane + "\x00" + day))
	return hex.EncodeToString(h[:8])
}

// Summarize reads the journal for the local day (YYYY-MM-DD in loc);
// currency names amounts when the events do not.
func Summarize(j *journal.Journal, site, lane, day, currency string, loc *time.Location) (*Summary, error) {
	from, to, err := Day(day, loc)
	if err != nil {
		return nil, err
	}
	s := &Summary{
		ID: SummaryID(site, lane, day), Site: site, Lane: lane, Day: day, From: from, To: to,
		Currency: currency, Tenders: map[drivers.TenderKind]Total{},
	}
	err = j.Range(from, to, func(_ string, ev drivers.Event) error {
		switch v := ev.(type) {
		case *drivers.Receipt:
			s.receipt(v)
		case *drivers.Payment:
			s.payment(v)
		case *drivers.Settlement:
			s.Settlements = append(s.Settlements, Settlement{Time: v.Time, Device: v.Device, TerminalID: v.TerminalID, Count: v.Count, Total: v.Total, Currency: v.Currency})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("journalapi: summary of %s: %w", day, err)
	}
	if err := s.watched(j); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Summary) receipt(r *drivers.Receipt) {
	if r.Reprint {
		s.Reprints++
		return
	}
	amount := r.Due
	if amount == nil {
		amount = r.Total
	}
	if amount == nil && len(r.Tenders) == 0 {
		return // not a sale: a report, a slip, a test page
	}
	var a int64
	if amount != nil {
		a = *amount
	}
	s.Receipts.add(a)
	tenders, change := netTenders(r)
	if change > 0 {
		s.Change.add(change)
	}
	for _, t := range tenders {
		tt := s.Tenders[t.Kind]
		tt.add(t.Amount)
		s.Tenders[t.Kind] = tt
	}
	if s.Currency == "" {
		s.Currency = r.Currency
	}
}

func (s *Summary) payment(p *drivers.Payment) {
	if p.Result != drivers.Approved {
		s.Declined++
		return
	}
	switch p.Type {
	case drivers.PaySale, drivers.PayCapture:
		s.Sales.add(p.Amount)
	case drivers.PayRefund:
		s.Refunds.add(p.Amount)
	case drivers.PayVoid:
		s.Voids.add(p.Amount)
	}
	if s.Currency == "" {
		s.Currency = p.Currency
	}
}

// WriteSummary writes a summary for a person.
func WriteSummary(w io.Writer, s *Summary) error {
	m := func(v int64) string { return money.Format(v, s.Currency) }
	var b strings.Builder
	fmt.Fprintf(&b, "settlement summary %s/%s %s", s.Site, s.Lane, s.Day)
	if s.Unwatched {
		b.WriteString(" (not watched: the agent did not run that day)")
	}
	if !s.WatchedFrom.IsZero() {
		fmt.Fprintf(&b, " (watched only from %s)", s.WatchedFrom.Format("15:04 MST"))
	}
	if !s.Until.IsZero() {
		b.WriteString(" (day not over)")
	}
	fmt.Fprintf(&b, "\nreceipts         %5d  %s   (copies left out: %d)\n", s.Receipts.Count, m(s.Receipts.Amount), s.Reprints)
	kinds := make([]string, 0, len(s.Tenders))
	for k := range s.Tenders {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		t := s.Tenders[drivers.TenderKind(k)]
		fmt.Fprintf(&b, "  tender %-8s %5d  %s\n", k, t.Count, m(t.Amount))
	}
	if s.Change.Count > 0 {
		fmt.Fprintf(&b, "  (change given %5d  %s, taken off the tenders)\n", s.Change.Count, m(s.Change.Amount))
	}
	fmt.Fprintf(&b, "card sales       %5d  %s\ncard refunds     %5d  %s\ncard voids       %5d  %s\ndeclined         %5d\n",
		s.Sales.Count, m(s.Sales.Amount), s.Refunds.Count, m(s.Refunds.Amount), s.Voids.Count, m(s.Voids.Amount), s.Declined)
	for _, st := range s.Settlements {
		cur := st.Currency
		if cur == "" {
			cur = s.Currency
		}
		fmt.Fprintf(&b, "terminal settlement %s %s: %d transactions, %s\n", st.TerminalID, st.Time.Format(time.DateTime), st.Count, money.Format(st.Total, cur))
	}
	writeCashiers(&b, s)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("journalapi: write summary: %w", err)
	}
	return nil
}
