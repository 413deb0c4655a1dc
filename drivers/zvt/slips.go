package zvt

import (
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/slip"
)

// EndedSlip is the Ended of a receipt made from a terminal's slip text: it
// was sent to the register's printer, it is no print job of its own.
const EndedSlip = "slip"

// maxSlipLines bounds a slip sent line by line (06 D1) that never ends.
const maxSlipLines = 500

// slips is the receipt state of a session: 06 D1 lines so far, and a
// result held until its slip can complete it.
type slips struct {
	charset    string
	prof       *slip.Profile
	lines      [][]byte // masked copies of 06 D1 lines
	linesStart time.Time
	linesEnd   time.Time
	held       *drivers.Payment
	// tentative marks a held result that only becomes a payment if its
	// slip gives it an amount (approved, no amount, command not seen).
	tentative bool
	// recent is the last slip read in this conversation, for a result
	// that comes after its slip (Feig terminals print first).
	recent *slip.Slip
}

// hold returns p now, or keeps it for its slip when the slip profile could
// complete it (type unknown or no amount); a result already held is
// released first.
func (s *slips) hold(p *drivers.Payment) []drivers.Event {
	return s.holdAs(p, false)
}

// holdAs is hold; a tentative result is dropped unless a slip gives it an
// amount.
func (s *slips) holdAs(p *drivers.Payment, tentative bool) []drivers.Event {
	evs := s.release()
	incomplete := p.Type == drivers.PayUnknown || (p.Result == drivers.Approved && p.Amount == 0 && p.Requested == 0)
	if s.prof == nil || !incomplete {
		if tentative {
			return evs
		}
		return append(evs, p)
	}
	if s.recent != nil && sameTransaction(p, s.recent) {
		s.recent.Fill(p)
		s.recent = nil
		if tentative && p.Amount == 0 {
			return evs
		}
		return append(evs, p)
	}
	s.held, s.tentative = p, tentative
	return evs
}

// release returns the held result, if any (a tentative one only when a
// slip gave it an amount).
func (s *slips) release() []drivers.Event {
	if s.held == nil {
		return nil
	}
	p := s.held
	s.held = nil
	if s.tentative && p.Amount == 0 {
		return nil
	}
	return []drivers.Event{p}
}

// forget drops the recent slip (a new conversation starts).
func (s *slips) forget() { s.recent = nil }

// printText turns 06 D3 into a receipt, and collects 06 D1 lines.
func (s *slips) printText(a *APDU, t time.Time) ([]drivers.Event, error) {
	pt, err := DecodePrintText(a)
	if err != nil {
		return nil, err
	}
	if a.Command() == CmdPrintLine {
		if len(s.lines) == 0 {
			s.linesStart = t
		}
		s.linesEnd = t
		s.lines = append(s.lines, maskedCopy(pt.Raw[0]))
		if len(s.lines) >= maxSlipLines {
			return s.endLines(), nil
		}
		return nil, nil
	}
	evs := s.endLines()
	raw := make([][]byte, len(pt.Raw))
	for i, l := range pt.Raw {
		raw[i] = maskedCopy(l)
	}
	return append(evs, s.receipt(raw, kindName(pt.ReceiptType), t, t)...), nil
}

// endLines makes the receipt of the 06 D1 lines so far.
func (s *slips) endLines() []drivers.Event {
	if len(s.lines) == 0 {
		return nil
	}
	raw := s.lines
	s.lines = nil
	return s.receipt(raw, "lines", s.linesStart, s.linesEnd)
}

// receipt builds the receipt of one slip and, when the slip profile reads
// it and a held result is the same transaction, completes and releases
// that result first. raw is wiped.
func (s *slips) receipt(raw [][]byte, kind string, start, t time.Time) []drivers.Event {
	cs := s.charset
	if cs == "" || cs == CharsetAuto {
		cs = pickCharset(raw)
	}
	r := &drivers.Receipt{Head: drivers.Head{Time: t}, Start: start, Ended: EndedSlip, Profile: "zvt:" + kind}
	texts := make([]string, len(raw))
	for i, l := range raw {
		texts[i] = decodeText(l, cs)
		r.Lines = append(r.Lines, drivers.Line{Text: texts[i]})
		clear(l)
	}
	var evs []drivers.Event
	if s.prof != nil {
		if sl, err := s.prof.Read(texts); err == nil {
			slip.Mark(r, sl)
			if s.held != nil && sameTransaction(s.held, sl) {
				sl.Fill(s.held)
				evs = s.release()
			} else if s.held == nil {
				s.recent = sl
			}
		}
	}
	return append(evs, r)
}

// kindName names a 06 D3 receipt type (TLV 1F07).
func kindName(t int) string {
	switch t {
	case 1:
		return "merchant"
	case 2:
		return "customer"
	case 3:
		return "administration"
	}
	return "text"
}

// maskedCopy copies receipt text and masks card numbers in the copy.
func maskedCopy(b []byte) []byte {
	c := append([]byte(nil), b...)
	maskTextPANs(c)
	return c
}

// sameTransaction reports whether a slip can be the slip of p: nothing
// both carry differs (amount, terminal id, trace, receipt number; numbers
// compare without leading zeros, and a slip may print a longer trace).
func sameTransaction(p *drivers.Payment, s *slip.Slip) bool {
	if p.Amount > 0 && s.HasAmount && s.Amount > 0 && p.Amount != s.Amount {
		return false
	}
	if p.TerminalID != "" && s.TerminalID != "" && !sameNumber(p.TerminalID, s.TerminalID) {
		return false
	}
	if p.Trace != "" && s.Trace != "" && !sameNumber(p.Trace, s.Trace) {
		return false
	}
	if p.ReceiptNo != "" && s.ReceiptNo != "" && !sameNumber(p.ReceiptNo, s.ReceiptNo) {
		return false
	}
	return true
}

// sameNumber compares two printed numbers: equal without leading zeros,
// or one ends with the other.
func sameNumber(a, b string) bool {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	return a == b || (a != "" && b != "" && (strings.HasSuffix(a, b) || strings.HasSuffix(b, a)))
}
