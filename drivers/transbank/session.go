package transbank

import (
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// recentSales is how many approved sales a decoder remembers to join voids.
const recentSales = 256

// session is the state that links messages: the amount the register asked
// for, the operation a void request named, the last totals, recent sales.
type session struct {
	requested  int64
	hasRequest bool
	voidOp     string
	totals     *Message
	sales      []sale // ring of the last recentSales approved sales
	next       int
}

// sale is what a void needs from the sale it annuls.
type sale struct {
	op, ticket, terminal, card, brand string
	amount                            int64
}

// handle updates the session with m and returns its events.
func (s *session) handle(m *Message, t time.Time, currency string) []drivers.Event {
	switch m.Function {
	case FnSale, FnMultiSale:
		s.requested, s.hasRequest = m.Amount, true
	case FnVoid:
		s.voidOp = normOp(m.Operation)
	case FnSaleResp, FnMultiSaleResp:
		return []drivers.Event{s.sale(m, t, currency)}
	case FnVoidResp:
		return []drivers.Event{s.void(m, t, currency)}
	case FnTotalsResp:
		if m.Approved {
			s.totals = m
		}
	case FnCloseResp:
		tot := s.totals
		if !m.Approved || tot == nil {
			return nil
		}
		s.totals = nil
		return []drivers.Event{&drivers.Settlement{
			Head: drivers.Head{Time: t}, Total: tot.Total, Count: tot.Count,
			Currency: currency, TerminalID: m.TerminalID,
		}}
	}
	return nil
}

// sale turns a 0210 or 0271 into a Payment and remembers approved sales.
func (s *session) sale(m *Message, t time.Time, currency string) *drivers.Payment {
	p := &drivers.Payment{
		Head: drivers.Head{Time: t}, Type: drivers.PaySale, Result: result(m), ResultCode: m.ResponseCode,
		Currency: currency, AuthCode: m.AuthCode, ReceiptNo: normOp(m.Operation), Reference: m.Ticket,
		TerminalID: m.TerminalID, Card: card(m.Last4), CardName: m.Brand,
	}
	requested := m.Amount
	if s.hasRequest {
		requested = s.requested
	}
	s.hasRequest = false
	if p.Result == drivers.Approved {
		p.Amount = m.Amount
		s.remember(sale{op: p.ReceiptNo, ticket: m.Ticket, terminal: m.TerminalID, card: p.Card, brand: m.Brand, amount: m.Amount})
	}
	p.Requested = requested
	return p
}

// void turns a 1210 into a Payment joined to its sale by operation number.
func (s *session) void(m *Message, t time.Time, currency string) *drivers.Payment {
	op := normOp(m.Operation)
	if op == "" {
		op = s.voidOp
	}
	s.voidOp = ""
	p := &drivers.Payment{
		Head: drivers.Head{Time: t}, Type: drivers.PayVoid, Result: result(m), ResultCode: m.ResponseCode,
		Currency: currency, AuthCode: m.AuthCode, TerminalID: m.TerminalID, OriginalReceipt: op,
	}
	if sl, ok := s.find(op, m.TerminalID); ok {
		p.Card, p.CardName, p.Reference, p.Requested = sl.card, sl.brand, sl.ticket, sl.amount
		if p.Result == drivers.Approved {
			p.Amount = sl.amount
		}
	}
	return p
}

// remember adds an approved sale to the ring.
func (s *session) remember(sl sale) {
	if sl.op == "" {
		return
	}
	if len(s.sales) < recentSales {
		s.sales = append(s.sales, sl)
		return
	}
	s.sales[s.next] = sl
	s.next = (s.next + 1) % recentSales
}

// find returns the latest remembered sale with operation number op on the
// same terminal (when both name one).
func (s *session) find(op, terminal string) (sale, bool) {
	if op == "" {
		return sale{}, false
	}
	for k := range len(s.sales) {
		sl := s.sales[(s.next-1-k+2*len(s.sales))%len(s.sales)]
		if sl.op == op && (terminal == "" || sl.terminal == "" || terminal == sl.terminal) {
			return sl, true
		}
	}
	return sale{}, false
}

// result maps a response code: 00 approved, 07 (cancelled at the
// terminal) aborted, anything else declined.
func result(m *Message) drivers.Result {
	switch {
	case m.Approved:
		return drivers.Approved
	case m.ResponseCode == 7:
		return drivers.Aborted
	}
	return drivers.Declined
}

// card renders the last 4 digits as a masked card number.
func card(last4 string) string {
	if last4 == "" {
		return ""
	}
	return drivers.MaskPAN("************" + last4)
}

// normOp drops leading zeros so "000143" (0271) and "143" (1200) join.
func normOp(op string) string {
	if t := strings.TrimLeft(op, "0"); t != "" || op == "" {
		return t
	}
	return "0"
}
