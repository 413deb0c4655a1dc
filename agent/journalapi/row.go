package journalapi

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// Row is one journal entry as search shows it (and as its JSON Lines).
type Row struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"time"`
	Type     string    `json:"type"`
	Device   string    `json:"device,omitempty"`
	Number   string    `json:"number,omitempty"` // receipt number, or a payment's trace
	Amount   *int64    `json:"amount,omitempty"` // minor units
	Currency string    `json:"currency,omitempty"`
	Card     string    `json:"card,omitempty"` // masked
	Auth     string    `json:"auth,omitempty"`
	Reprint  bool      `json:"reprint,omitempty"`
	Cashier  string    `json:"cashier,omitempty"` // who rang the receipt
	// What is a short description: "sale approved", "receipt (cut)".
	What string `json:"what,omitempty"`
}

// Entry is one journal entry with its event (drivers.Marshal form), as
// the API returns it.
type Entry struct {
	Row
	Event json.RawMessage `json:"event"`
}

// EntryOf is RowOf with the event.
func EntryOf(e journal.Entry, currency string) (Entry, error) {
	b, err := drivers.Marshal(e.Event)
	if err != nil {
		return Entry{}, fmt.Errorf("journalapi: entry %s: %w", e.ID, err)
	}
	return Entry{Row: RowOf(e, currency), Event: b}, nil
}

// Decode returns the entry's event.
func (e Entry) Decode() (drivers.Event, error) {
	ev, err := drivers.Unmarshal(e.Event)
	if err != nil {
		return nil, fmt.Errorf("journalapi: entry %s: %w", e.ID, err)
	}
	return ev, nil
}

// RowOf describes one journal entry; currency fills an event without one.
func RowOf(e journal.Entry, currency string) Row {
	r := Row{ID: e.ID, Time: e.Event.When(), Type: e.Event.EventType(), Device: e.Event.Source(), Currency: currency}
	switch v := e.Event.(type) {
	case *drivers.Receipt:
		r.Number, r.Reprint, r.Cashier = v.Number, v.Reprint, v.Cashier
		if v.Currency != "" {
			r.Currency = v.Currency
		}
		switch {
		case v.Due != nil:
			r.Amount = v.Due
		case v.Total != nil:
			r.Amount = v.Total
		}
		r.What = "receipt, " + v.Ended
		if !v.Cut {
			r.What = "receipt, NOT CUT (" + v.Ended + ")"
		}
		if v.Reprint {
			r.What += ", copy"
		}
	case *drivers.Payment:
		r.Number, r.Card, r.Auth = v.Trace, v.Card, v.AuthCode
		if v.Currency != "" {
			r.Currency = v.Currency
		}
		a := v.Amount
		if a == 0 && v.Requested != 0 {
			a = v.Requested
		}
		r.Amount = &a
		r.What = string(v.Type) + " " + string(v.Result)
	case *drivers.Settlement:
		r.Number = v.Trace
		if v.Currency != "" {
			r.Currency = v.Currency
		}
		t := v.Total
		r.Amount = &t
		r.What = fmt.Sprintf("settlement, %d transactions", v.Count)
	case *drivers.PrinterStatus:
		r.What = "online"
		if v.Fault() {
			r.What = "fault"
		}
	case *drivers.Link:
		r.What = "up"
		if !v.Up {
			r.What = "down: " + v.Reason
		}
	case *drivers.Damage:
		r.What = fmt.Sprintf("damaged on the line: %s, %d frames", v.What, v.Frames)
	}
	return r
}

// WriteTable writes rows as an aligned table in loc.
func WriteTable(w io.Writer, rows []Row, loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tTYPE\tDEVICE\tNUMBER/TRACE\tAMOUNT\tCARD\tAUTH\tID")
	for _, r := range rows {
		amount := ""
		if r.Amount != nil {
			amount = money.Format(*r.Amount, r.Currency)
		}
		what := r.What
		if r.Cashier != "" {
			what += ", cashier " + r.Cashier
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Time.In(loc).Format(time.DateTime), what,
			dash(r.Device), dash(r.Number), dash(amount), dash(r.Card), dash(r.Auth), r.ID)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("journalapi: write table: %w", err)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Show is an entry for a person: a receipt as printed (escpos.Render), a
// payment or another event as its fields.
func Show(e Entry, loc *time.Location) (string, error) {
	ev, err := e.Decode()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s  %s  %s\n", e.ID, e.Time.In(loc).Format(time.DateTime), e.What, e.Device)
	if r, ok := ev.(*drivers.Receipt); ok {
		b.WriteString(escpos.Render(r))
		return b.String(), nil
	}
	field := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "  %-12s %s\n", k+":", v)
		}
	}
	field("what", e.What)
	if e.Amount != nil {
		field("amount", money.Format(*e.Amount, e.Currency))
	}
	field("number", e.Number)
	field("card", e.Card)
	field("auth", e.Auth)
	field("cashier", e.Cashier)
	switch v := ev.(type) {
	case *drivers.Payment:
		if v.Requested != 0 && v.Requested != v.Amount {
			field("requested", money.Format(v.Requested, e.Currency))
		}
		field("card name", v.CardName)
		field("receipt no", v.ReceiptNo)
		field("reference", v.Reference)
		field("terminal", v.TerminalID)
		field("original", strings.TrimSpace(v.OriginalTrace+" "+v.OriginalReceipt))
		field("text", v.Text)
	case *drivers.Settlement:
		field("terminal", v.TerminalID)
		field("receipts", strings.Trim(v.From+"-"+v.To, "-"))
	}
	return b.String(), nil
}
