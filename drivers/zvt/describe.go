package zvt

import (
	"fmt"
	"strings"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// Message is one APDU as a technician reads it (Options.Messages): where
// it starts, who sent it, its command, and its fields in words. Card
// numbers are masked and track data is never shown; unknown data is only
// counted, never printed.
type Message struct {
	Offset  int               // byte offset of the APDU (or its frame) in its direction's input
	Dir     drivers.Direction // the direction it was fed as
	Command uint16            // CLASS<<8 | INSTR
	Name    string            // "Status information", or "" for a command tillwatch has no name for
	Text    string            // the fields: "result 00 (approved), 25.00 EUR, card 559883******8074, ..."
	Len     int               // data length
	Err     error             // why the fields could not all be read
	// Events are what this message completed (a result, a slip).
	Events []drivers.Event
}

// String is "04 0F Status information: result 00 (approved), ...".
func (m Message) String() string {
	s := fmt.Sprintf("%02X %02X", m.Command>>8, m.Command&0xFF)
	if m.Name != "" {
		s += " " + m.Name
	}
	if m.Text != "" {
		s += ": " + m.Text
	}
	if m.Err != nil {
		s += " [" + m.Err.Error() + "]"
	}
	return s
}

// commandNames names the commands of the ZVT specification (and Feig's)
// that a link carries.
var commandNames = map[uint16]string{
	CmdRegistration: "Registration", CmdAuthorisation: "Authorisation", 0x0602: "Log-off",
	CmdCompletion: "Completion", CmdAbort: "Abort", 0x061A: "Print system configuration",
	CmdPreAuth: "Reservation (pre-authorisation)", CmdPartialRev: "Partial reversal of a reservation",
	CmdBookTotal: "Book total", CmdPreAuthRev: "Reservation reversal", CmdReversal: "Reversal",
	CmdRefund: "Refund", CmdEndOfDay: "End-of-day", 0x0670: "Diagnosis", 0x0693: "Initialisation",
	cmdAbortRequest: "Abort request", CmdReadCard: "Read card", CmdPrintLine: "Print line",
	CmdPrintText: "Print text block", 0x0501: "Status enquiry", CmdStatusInfo: "Status information",
	CmdIntermediate: "Intermediate status", 0x040C: "Request for data", 0x0813: "Change configuration",
	0x0814: "Write files", CmdFeigFunction: "Feig function", CmdAck: "Acknowledgement",
}

// SenderOf says who sends a command: the register (FromHost) or the
// terminal (FromDevice); ok is false for messages both send (80 00, 84 xx)
// and commands tillwatch does not know.
func SenderOf(cmd uint16) (dir drivers.Direction, ok bool) {
	switch cmd {
	case CmdStatusInfo, CmdIntermediate, 0x040C, CmdCompletion, CmdAbort, CmdPrintLine, CmdPrintText:
		return drivers.FromDevice, true
	case CmdAck:
		return 0, false
	}
	if cmd>>8 == classNegativeResp {
		return 0, false
	}
	if _, named := commandNames[cmd]; named {
		return drivers.FromHost, true
	}
	return 0, false
}

// GuessDirection reads the first APDU of b (bare, or in a DLE STX frame
// after any ACK bytes) and says who sent it (SenderOf).
func GuessDirection(b []byte) (drivers.Direction, bool) {
	i := 0 // ACK and NAK bytes before a serial frame (an ACK is also class 06)
	for i < len(b) && (b[i] == ACK || b[i] == NAK) {
		i++
	}
	if i+1 < len(b) && b[i] == DLE && b[i+1] == STX {
		b = b[i+2:]
	}
	if len(b) < 2 {
		return 0, false
	}
	return SenderOf(uint16(b[0])<<8 | uint16(b[1]))
}

// describeAPDU reads an APDU's fields into words.
func describeAPDU(a *APDU, currency string) (string, error) {
	cmd := a.Command()
	switch {
	case cmd == CmdStatusInfo:
		st, err := DecodeStatus(a)
		if st == nil {
			return "", err
		}
		return describeStatus(st, currency), err
	case cmd == CmdIntermediate:
		code, err := DecodeIntermediate(a)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("status %02X", code), nil
	case cmd == CmdAbort:
		ab, err := DecodeAbort(a)
		if ab == nil || ab.Result < 0 {
			return "", err
		}
		s := fmt.Sprintf("result %02X", ab.Result)
		if ab.Receipt != "" {
			s += ", receipt " + ab.Receipt
		}
		return s, err
	case cmd == CmdCompletion:
		c, err := DecodeCompletion(a)
		if c == nil {
			return "", err
		}
		return describeCompletion(c), nil
	case cmd == CmdPrintText || cmd == CmdPrintLine:
		p, err := DecodePrintText(a)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s, %d line(s)", receiptKind(p.ReceiptType), p.Lines), nil
	case requestType(cmd) != "":
		r, err := DecodeRequest(a)
		if r == nil {
			return "", err
		}
		return describeRequest(r, currency), err
	case a.Class == classNegativeResp:
		return fmt.Sprintf("negative answer, code %02X", a.Instr), nil
	case len(a.Data) > 0:
		return fmt.Sprintf("%d data bytes", len(a.Data)), nil
	}
	return "", nil
}

// receiptKind names a 06 D3 receipt type (TLV 1F07).
func receiptKind(t int) string {
	switch t {
	case 1:
		return "merchant receipt"
	case 2:
		return "customer receipt"
	case 3:
		return "administration receipt"
	}
	return "receipt text"
}

// amountText formats minor units with the BMP 49 currency (numeric), else
// the default alpha code, else as a bare number.
func amountText(v int64, numeric int, def string) string {
	code := def
	if a := money.Alpha(numeric); a != "" {
		code = a
	}
	if code == "" {
		return money.Number(v, "")
	}
	return money.Format(v, code)
}

// fieldList joins "name value" pairs whose value is set.
type fieldList []string

func (f *fieldList) add(name, v string) {
	if v != "" {
		*f = append(*f, strings.TrimSpace(name+" "+v))
	}
}

func describeStatus(st *Status, currency string) string {
	var f fieldList
	switch {
	case st.Result == 0:
		f.add("result", "00 (approved)")
	case st.Result > 0:
		f.add("result", fmt.Sprintf("%02X (not approved)", st.Result))
	}
	if st.Amount != nil {
		f.add("amount", amountText(*st.Amount, st.Currency, currency))
	}
	card := st.Card
	if card != "" && st.CardName != "" {
		card += " (" + st.CardName + ")"
	} else if card == "" {
		card = st.CardName
	}
	f.add("card", card)
	f.add("trace", st.Trace)
	f.add("original trace", st.OriginalTrace)
	f.add("receipt", st.ReceiptNo)
	f.add("auth", st.AuthCode)
	f.add("terminal", st.TerminalID)
	if st.Date != "" || st.Time != "" {
		f.add("at", strings.TrimSpace(dateText(st.Date)+" "+clockText(st.Time)))
	}
	if t := st.Totals; t != nil {
		f.add("totals", fmt.Sprintf("%d transaction(s), %s, receipts %s to %s", t.Count, amountText(t.Amount, st.Currency, currency), t.From, t.To))
	}
	f.add("text", strings.Join(strings.Fields(st.Text), " "))
	if st.TrackDataDropped {
		f = append(f, "track data present (not shown)")
	}
	return strings.Join(f, ", ")
}

func describeRequest(r *Request, currency string) string {
	var f fieldList
	if r.Amount != nil {
		f.add("amount", amountText(*r.Amount, r.Currency, currency))
	} else if a := money.Alpha(r.Currency); a != "" {
		f.add("currency", a)
	}
	f.add("receipt", r.Receipt)
	return strings.Join(f, ", ")
}

func describeCompletion(c *CompletionInfo) string {
	var f fieldList
	f.add("terminal", c.TerminalID)
	f.add("software", c.Software)
	f.add("device", strings.TrimSpace(c.DeviceName+" "+c.DeviceID))
	if c.Status >= 0 {
		f.add("status", fmt.Sprintf("%02X", c.Status))
	}
	return strings.Join(f, ", ")
}

// dateText is MMDD as MM-DD; clockText is hhmmss as hh:mm:ss.
func dateText(d string) string {
	if len(d) != 4 {
		return d
	}
	return d[:2] + "-" + d[2:]
}

func clockText(t string) string {
	if len(t) != 6 {
		return t
	}
	return t[:2] + ":" + t[2:4] + ":" + t[4:]
}
