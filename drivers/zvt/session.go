package zvt

import (
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// session follows one register-terminal conversation: the register's
// command gives the next 04 0F its meaning (a 04 0F carries no type).
type session struct {
	cmd      uint16   // pending register command; 0 = none
	req      *Request // decoded pending transaction command; nil for others
	answered bool     // a 04 0F answered cmd
	// approved is the last approved payment of this conversation, kept so
	// that an ECR refusal (84 66) followed by 06 1E becomes its reversal.
	approved *drivers.Payment
	refused  bool
	// trackDropped tells the decoder to count a message with track data.
	trackDropped bool

	slips // receipt text and results held for their slip
}

// handle runs one APDU through the conversation and returns its events.
// The error is a field decoding failure (no event was made from it).
func (s *session) handle(a *APDU, dir drivers.Direction, t time.Time, currency string) ([]drivers.Event, error) {
	cmd := a.Command()
	if cmd == CmdPrintText || cmd == CmdPrintLine {
		return s.printText(a, t)
	}
	var pre []drivers.Event
	if a.Class != 0x80 && cmd != CmdIntermediate {
		// Any other message ends a slip sent line by line and the wait of
		// a held result for its slip.
		pre = append(s.endLines(), s.release()...)
	}
	evs, err := s.dispatch(a, dir, t, currency)
	return append(pre, evs...), err
}

// dispatch runs one APDU that is not receipt text.
func (s *session) dispatch(a *APDU, dir drivers.Direction, t time.Time, currency string) ([]drivers.Event, error) {
	cmd := a.Command()
	switch {
	case cmd == CmdStatusInfo:
		return s.status(a, t, currency)
	case cmd == CmdAbort:
		return s.abort(a, t, currency)
	case cmd == CmdCompletion:
		_, err := DecodeCompletion(a)
		s.reset()
		return nil, err
	case cmd == CmdIntermediate:
		_, err := DecodeIntermediate(a)
		return nil, err
	case a.Class == 0x80 || cmd == cmdAbortRequest:
		// Acks, and the register asking to abort (06 B0): the terminal's
		// 06 1E that follows still belongs to the pending command.
		return nil, nil
	case a.Class == classNegativeResp:
		return s.negative(a, dir, t, currency), nil
	case requestType(cmd) != "":
		req, err := DecodeRequest(a)
		s.reset()
		s.cmd, s.req = cmd, req
		return nil, err
	case dir == drivers.FromHost:
		// Any other register command (registration, read card, status
		// enquiry, vendor functions): its 04 0F is not a payment.
		s.reset()
		s.cmd = cmd
	}
	return nil, nil
}

// reset forgets the pending command.
func (s *session) reset() {
	s.cmd, s.req, s.answered, s.approved, s.refused = 0, nil, false, nil, false
	s.forget()
}

// status turns a 04 0F into a Payment or a Settlement.
func (s *session) status(a *APDU, t time.Time, currency string) ([]drivers.Event, error) {
	st, err := DecodeStatus(a)
	s.answered = true
	if err != nil {
		return nil, err
	}
	s.trackDropped = st.TrackDataDropped
	if st.Result < 0 {
		return nil, derr(0, ErrNoResult, "04 0F")
	}
	switch {
	case s.cmd == CmdEndOfDay || (s.cmd == 0 && st.Totals != nil):
		if st.Result != 0 {
			return nil, nil // a failed end-of-day has no totals
		}
		return []drivers.Event{settlement(st, t, currency)}, nil
	case s.req != nil:
		p := payment(st, s.req, t, currency)
		if p.Result == drivers.Approved {
			s.approved = p
		}
		return s.hold(p), nil
	case s.cmd == 0 && st.Amount != nil:
		// The command was not seen (tap on the terminal's line only, or
		// joined mid-conversation): the type is unknown unless the result
		// names an original transaction.
		req := &Request{Type: drivers.PayUnknown}
		if st.OriginalTrace != "" {
			req.Type = drivers.PayVoid
		}
		return s.hold(payment(st, req, t, currency)), nil
	case s.cmd == 0 && st.Result == 0 && st.Totals == nil:
		// Approved, no amount, command not seen: a payment only if its
		// slip names the amount.
		return s.holdAs(payment(st, &Request{Type: drivers.PayUnknown}, t, currency), true), nil
	}
	return nil, nil // answer to a command that moves no money (read card, ...)
}

// abort handles 06 1E: an aborted transaction when no 04 0F came first, or
// the automatic reversal after the register refused an approval (84 66).
func (s *session) abort(a *APDU, t time.Time, currency string) ([]drivers.Event, error) {
	ab, err := DecodeAbort(a)
	defer s.reset()
	if s.refused && s.approved != nil {
		o := s.approved
		v := &drivers.Payment{
			Head: drivers.Head{Time: t}, Type: drivers.PayVoid, Result: drivers.Approved,
			ResultCode: ab.Result, Amount: o.Amount, Currency: o.Currency, TerminalID: o.TerminalID,
			Card: o.Card, CardName: o.CardName, OriginalTrace: o.Trace, OriginalReceipt: o.ReceiptNo,
			Text: "reversed by the terminal after the register refused the result (84 66)",
		}
		return []drivers.Event{v}, err
	}
	if s.req == nil || s.answered || s.cmd == CmdEndOfDay {
		return nil, err
	}
	p := &drivers.Payment{
		Head: drivers.Head{Time: t}, Type: s.req.Type, Result: drivers.Aborted,
		ResultCode: ab.Result, Currency: currencyOf(0, s.req.Currency, currency),
		OriginalReceipt: originalReceipt(s.req),
	}
	if s.req.Amount != nil {
		p.Requested = *s.req.Amount
	}
	return []drivers.Event{p}, err
}

// negative handles 84 xx: from the register, 84 66 refuses an approved
// result (the terminal then reverses it); from the terminal, a negative
// answer to a pending command means the transaction never started.
func (s *session) negative(a *APDU, dir drivers.Direction, t time.Time, currency string) []drivers.Event {
	if dir == drivers.FromHost {
		if a.Instr == 0x66 && s.approved != nil {
			s.refused = true
		}
		return nil
	}
	if s.req == nil || s.answered || s.cmd == CmdEndOfDay {
		return nil
	}
	p := &drivers.Payment{
		Head: drivers.Head{Time: t}, Type: s.req.Type, Result: drivers.Aborted,
		ResultCode: int(a.Instr), Currency: currencyOf(0, s.req.Currency, currency),
		OriginalReceipt: originalReceipt(s.req),
	}
	if s.req.Amount != nil {
		p.Requested = *s.req.Amount
	}
	s.reset()
	return []drivers.Event{p}
}

// payment builds the Payment of a status information answering req.
func payment(st *Status, req *Request, t time.Time, currency string) *drivers.Payment {
	p := &drivers.Payment{
		Head:          drivers.Head{Time: t},
		Type:          req.Type,
		Result:        drivers.Declined,
		ResultCode:    st.Result,
		Currency:      currencyOf(st.Currency, req.Currency, currency),
		AuthCode:      st.AuthCode,
		Trace:         st.Trace,
		ReceiptNo:     st.ReceiptNo,
		TerminalID:    st.TerminalID,
		Card:          drivers.MaskPAN(st.Card),
		CardName:      st.CardName,
		OriginalTrace: st.OriginalTrace,
		Text:          st.Text,
	}
	p.OriginalReceipt = originalReceipt(req)
	if st.Result == 0 {
		p.Result = drivers.Approved
	}
	if req.Amount != nil {
		p.Requested = *req.Amount
	}
	switch {
	case st.Amount != nil:
		p.Amount = *st.Amount
	case p.Result == drivers.Approved:
		p.Amount = p.Requested // no BMP 04 in the result: the requested amount stands
	}
	return p
}

// settlement builds the Settlement of an end-of-day status information.
func settlement(st *Status, t time.Time, currency string) *drivers.Settlement {
	se := &drivers.Settlement{
		Head: drivers.Head{Time: t}, Currency: currencyOf(st.Currency, 0, currency),
		Trace: st.Trace, TerminalID: st.TerminalID,
	}
	if st.Totals != nil {
		se.Count, se.Total = st.Totals.Count, st.Totals.Amount
		se.From, se.To = st.Totals.From, st.Totals.To
	}
	if st.Amount != nil {
		se.Total = *st.Amount
	}
	return se
}

// originalReceipt is the receipt number a command refers to (void,
// capture, pre-auth reversal).
func originalReceipt(r *Request) string {
	switch r.Type {
	case drivers.PayVoid, drivers.PayCapture, drivers.PayPreAuthRv:
		return r.Receipt
	}
	return ""
}

// currencyOf picks the first known of: the result's BMP 49, the command's
// BMP 49, the configured default.
func currencyOf(status, request int, def string) string {
	for _, n := range []int{status, request} {
		if n == 0 {
			continue
		}
		if a := money.Alpha(n); a != "" {
			return a
		}
		return "" // a code we cannot name: better none than a wrong one
	}
	return def
}
