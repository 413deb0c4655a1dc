package sim

import (
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/drivers/zvt"
)

// CardRefund is a refund to a card over the ZVT serial link (06 31).
type CardRefund struct {
	Amount    int64 // minor units
	Currency  int   // ISO 4217 numeric; default 978 (EUR)
	Trace     string
	ReceiptNo string
	AuthCode  string
	PAN       string
	Terminal  string
}

// CardVoid is a reversal (06 30) of the payment with receipt number
// Original; the terminal answers with the reversed amount.
type CardVoid struct {
	Original  string // receipt number of the payment reversed
	Amount    int64  // minor units
	Currency  int
	Trace     string
	ReceiptNo string
	PAN       string
	Terminal  string
}

// EndOfDay is the terminal's end-of-day (06 50): its totals for receipts
// From..To.
type EndOfDay struct {
	Count    int
	Total    int64 // minor units
	From, To string
	Trace    string
	Terminal string
	Currency int
}

// exchange is the ZVT serial dialogue of one command (zvtDialogue)
// played from at.
func exchange(at time.Duration, cmd, status []byte) []Write {
	return timeline(at, zvtDialogue(cmd, status))
}

// zvtDialogue is the ZVT serial dialogue of one command: the register's
// command, the terminal's ACK and status information, the register's ACK,
// the completion and its ACK.
func zvtDialogue(cmd, status []byte) []step {
	return []step{
		{0, TerminalHost, zvt.Frame(cmd)},
		{ackDelay, TerminalDevice, []byte{ack}},
		{resultDelay, TerminalDevice, zvt.Frame(status)},
		{ackDelay, TerminalHost, []byte{ack}},
		{50 * time.Millisecond, TerminalDevice, zvt.Frame(zvt.Completion())},
		{ackDelay, TerminalHost, []byte{ack}},
	}
}

// step is one write of a dialogue: after the previous one, on wire.
type step struct {
	after time.Duration
	wire  Wire
	data  []byte
}

// timeline places a dialogue's steps from at on.
func timeline(at time.Duration, steps []step) []Write {
	ws := make([]Write, len(steps))
	t := at
	for i, st := range steps {
		t += st.after
		ws[i] = Write{At: t, Wire: st.wire, Data: st.data}
	}
	return ws
}

func orEUR(c int) int {
	if c == 0 {
		return 978
	}
	return c
}

func (r CardRefund) conversation(at time.Duration) []Write {
	return exchange(at, zvt.RefundRequest(r.Amount), zvt.StatusInfo(zvt.StatusFields{
		Amount: r.Amount, Currency: orEUR(r.Currency), Trace: r.Trace, Receipt: r.ReceiptNo,
		PAN: r.PAN, AuthCode: r.AuthCode, TerminalID: r.Terminal,
	}))
}

func (v CardVoid) conversation(at time.Duration) []Write {
	return exchange(at, zvt.ReversalRequest(v.Original), zvt.StatusInfo(zvt.StatusFields{
		Amount: v.Amount, Currency: orEUR(v.Currency), Trace: v.Trace, Receipt: v.ReceiptNo,
		PAN: v.PAN, TerminalID: v.Terminal,
	}))
}

// conversation reports the totals in card groups of at most 255
// transactions (a group's count is one byte), the whole amount in the
// first.
func (d EndOfDay) conversation(at time.Duration) []Write {
	groups := []zvt.CardTotal{{Count: min(d.Count, 255), Amount: d.Total}}
	for left := d.Count - 255; left > 0; left -= 255 {
		groups = append(groups, zvt.CardTotal{Count: min(left, 255)})
	}
	return exchange(at, zvt.EndOfDayRequest(), zvt.StatusInfo(zvt.StatusFields{
		NoAmount: true, Currency: orEUR(d.Currency), Trace: d.Trace, TerminalID: d.Terminal,
		Totals: &zvt.Totals{From: d.From, To: d.To, Cards: groups},
	}))
}

func (l LinkChange) write(at time.Duration) ([]Write, error) {
	w := Write{At: at, Link: "down", Reason: l.Reason}
	if l.Up {
		w.Link = "up"
	}
	switch l.Device {
	case "printer":
		w.Wire = PrinterHost
	case "terminal":
		w.Wire = TerminalHost
	default:
		return nil, fmt.Errorf("link: device %q is neither printer nor terminal", l.Device)
	}
	return []Write{w}, nil
}
