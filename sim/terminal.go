package sim

import (
	"time"

	"github.com/tillwatch/tillwatch/drivers/zvt"
)

// CardSale is one card payment over the ZVT serial link: the register asks
// for Requested, the terminal approves Approved (or declines).
type CardSale struct {
	Requested int64 // minor units
	Approved  int64 // minor units; 0 means "same as Requested"
	Declined  bool
	Currency  int    // ISO 4217 numeric; default 978 (EUR)
	Trace     string // 6 digits
	ReceiptNo string // 4 digits
	AuthCode  string
	PAN       string // as the terminal sends it: masked (E for hidden digits) or, in PCI tests, full
	Terminal  string // 8-digit terminal id
	// Refused: the register refuses the approved result (84 66, e.g. it
	// had timed out) and the terminal reverses the payment (06 1E).
	Refused bool
	// Transbank: the sale runs over Transbank POS Integrado (0200/0210)
	// instead of ZVT; amounts are pesos.
	Transbank bool
}

// ZVT serial line timing: a terminal answers a command with ACK quickly and
// with the result after the card was read.
const (
	ackDelay    = 15 * time.Millisecond
	resultDelay = 1200 * time.Millisecond
)

const ack = 0x06

func (s CardSale) conversation(at time.Duration) ([]Write, error) {
	if s.Transbank {
		return s.transbank(at)
	}
	cur := s.Currency
	if cur == 0 {
		cur = 978
	}
	approved := s.Approved
	if approved == 0 {
		approved = s.Requested
	}
	result := byte(0x00)
	if s.Declined {
		result, approved = 0x05, 0
	}
	status := zvt.StatusInfo(zvt.StatusFields{
		Result:     result,
		Amount:     approved,
		Currency:   cur,
		Trace:      s.Trace,
		Receipt:    s.ReceiptNo,
		PAN:        s.PAN,
		AuthCode:   s.AuthCode,
		TerminalID: s.Terminal,
	})
	steps := zvtDialogue(zvt.AuthRequest(s.Requested, cur), status)
	if s.Refused {
		steps[4] = step{50 * time.Millisecond, TerminalHost, zvt.Frame(zvt.Negative(0x66))}
		steps[5].wire, steps[5].data = TerminalDevice, []byte{ack}
		steps = append(steps, step{300 * time.Millisecond, TerminalDevice, zvt.Frame(zvt.Abort(0x05))}, step{ackDelay, TerminalHost, []byte{ack}})
	}
	return timeline(at, steps), nil
}
