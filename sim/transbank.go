package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers/transbank"
)

// transbankCommerce is the commerce code of the simulated Transbank
// terminal (the docs' example).
const transbankCommerce = "597029414300"

// transbank is a card sale over Transbank POS Integrado, as the register
// and an integrated terminal speak it (drivers/transbank doc): the register
// sends 0200 (amount, ticket), the terminal ACKs, answers 0210 with the
// result once the card was read, and the register ACKs. Only the last 4
// digits of the card travel.
func (s CardSale) transbank(at time.Duration) ([]Write, error) {
	if s.Refused {
		return nil, fmt.Errorf("transbank: a refused approval is not simulated")
	}
	approved, code := s.Approved, "00"
	if approved == 0 {
		approved = s.Requested
	}
	if s.Declined {
		approved, code = 0, "05"
	}
	last4 := s.PAN
	if len(last4) > 4 {
		last4 = last4[len(last4)-4:]
	}
	ticket := "T" + s.ReceiptNo
	resp := strings.Join([]string{transbank.FnSaleResp, code, transbankCommerce, s.Terminal, ticket, s.AuthCode,
		fmt.Sprint(approved), "00", "0", last4, s.Trace, "DB", "000000", "", "VI", "", "", "", "", "", ""}, "|")
	return timeline(at, []step{
		{0, TerminalHost, transbank.Frame(fmt.Appendf(nil, "%s|%d|%s|||", transbank.FnSale, s.Requested, ticket))},
		{ackDelay, TerminalDevice, []byte{ack}},
		{resultDelay, TerminalDevice, transbank.Frame([]byte(resp))},
		{ackDelay, TerminalHost, []byte{ack}},
	}), nil
}
