package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// eventText is an event in words for the decode verbs' text mode (one
// line, or a slip's lines under a heading). codeFormat prints a payment's
// result code as its protocol writes it: "%02X" (ZVT's result byte) or
// "%02d" (Transbank's and the templates' decimal codes).
func eventText(ev drivers.Event, codeFormat string) string {
	switch e := ev.(type) {
	case *drivers.Payment:
		return paymentText(e, codeFormat)
	case *drivers.Settlement:
		s := fmt.Sprintf("settlement: %d transaction(s), %s", e.Count, amount(e.Total, e.Currency))
		s += fieldsText("trace", e.Trace, "receipts", strings.Trim(e.From+"-"+e.To, "-"), "terminal", e.TerminalID)
		return s + "\n"
	case *drivers.PrinterStatus:
		return printerStatusText(e)
	case *drivers.Receipt:
		var b strings.Builder
		fmt.Fprintf(&b, "slip %s, %d line(s):\n", e.Profile, len(e.Lines))
		for _, l := range e.Lines {
			b.WriteString("| " + l.Text + "\n")
		}
		return b.String()
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return ev.EventType() + "\n"
	}
	return ev.EventType() + " " + string(dropZeroTimes(b)) + "\n"
}

func paymentText(p *drivers.Payment, codeFormat string) string {
	typ := string(p.Type)
	if p.Type == drivers.PayUnknown {
		typ = "of unknown type (the register's command is not in this input)"
	}
	s := fmt.Sprintf("payment %s: %s, %s", typ, p.Result, amount(p.Amount, p.Currency))
	if p.Requested != 0 && p.Requested != p.Amount {
		s += " of " + amount(p.Requested, p.Currency) + " requested"
	}
	card := strings.TrimSpace(p.Card + " " + p.CardName)
	if p.Result != drivers.Approved {
		s += " (result " + fmt.Sprintf(codeFormat, p.ResultCode) + ")"
	}
	s += fieldsText("card", card, "trace", p.Trace, "receipt", p.ReceiptNo, "auth", p.AuthCode, "reference", p.Reference,
		"terminal", p.TerminalID, "original trace", p.OriginalTrace, "original receipt", p.OriginalReceipt)
	if t := strings.Join(strings.Fields(p.Text), " "); t != "" {
		s += ", text \"" + t + "\""
	}
	return s + "\n"
}

// amount formats minor units with their currency, or as a bare number.
func amount(v int64, code string) string {
	if code == "" {
		return money.Number(v, "")
	}
	return money.Format(v, code)
}

// fieldsText is ", name value" for each pair whose value is set.
func fieldsText(pairs ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			b.WriteString(", " + pairs[i] + " " + pairs[i+1])
		}
	}
	return b.String()
}

// indent prefixes the first line of s with first and the others with more.
func indent(s, first, more string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = first + lines[i]
		} else {
			lines[i] = more + lines[i]
		}
	}
	return strings.Join(lines, "") + "\n"
}

// zeroTimes are the JSON of an event time the input did not give.
var zeroTimes = [][]byte{[]byte(`"time":"0001-01-01T00:00:00Z",`), []byte(`"start":"0001-01-01T00:00:00Z",`)}

// dropZeroTimes leaves out times the input did not give (a decoded file
// has none: they printed as 1970 or year 1).
func dropZeroTimes(b []byte) []byte {
	for _, z := range zeroTimes {
		b = bytes.ReplaceAll(b, z, nil)
	}
	return b
}

// encodeEvent writes one event as {"type":..., "event":...} without
// times the input did not give.
func encodeEvent(enc *json.Encoder, ev drivers.Event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	return enc.Encode(struct {
		Type  string          `json:"type"`
		Event json.RawMessage `json:"event"`
	}{ev.EventType(), dropZeroTimes(b)})
}

// printerStatusText is a printer's status in words: what is wrong, or OK.
func printerStatusText(p *drivers.PrinterStatus) string {
	if p.NoReply {
		return "printer status: no reply to the status request\n"
	}
	var says []string
	for _, f := range []struct {
		on   bool
		text string
	}{
		{p.Offline || (!p.Online && !p.Partial), "offline"}, {p.CoverOpen, "cover open"}, {p.PaperEnd, "paper out"},
		{p.PaperNearEnd, "paper near end"}, {p.CutterError, "cutter error"},
		{p.Unrecoverable, "unrecoverable error"}, {p.AutoRecoverable, "recoverable error"},
		{p.Error && !p.CutterError && !p.Unrecoverable && !p.AutoRecoverable, "error"},
	} {
		if f.on {
			says = append(says, f.text)
		}
	}
	if len(says) == 0 {
		says = []string{"online, OK"}
	}
	s := "printer status: " + strings.Join(says, ", ")
	if p.Partial {
		s += " (partial reply)"
	}
	if p.Via != "" {
		s += ", via " + p.Via
	}
	return s + "\n"
}
