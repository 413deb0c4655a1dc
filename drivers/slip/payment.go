package slip

import (
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Payment is the payment a slip records, at time t (the slip's print
// time): nil when the slip names no type or no amount, its amount is zero
// (a pre-auth released in full), or it is a reprint (a reprint repeats a
// payment, it is not one).
func (s *Slip) Payment(t time.Time) *drivers.Payment {
	if s.Type == "" || !s.HasAmount || s.Amount == 0 || s.Reprint {
		return nil
	}
	p := &drivers.Payment{
		Head: drivers.Head{Time: t}, Type: s.Type, Result: drivers.Approved,
		Amount: s.Amount, Currency: s.Currency,
		Text: "from a card slip (profile " + s.Profile + ")",
	}
	if s.Declined {
		p.Result, p.ResultCode, p.Amount = drivers.Declined, -1, 0
		p.Requested = s.Amount
	}
	s.Fill(p)
	return p
}

// Fill sets the fields of p that are empty from the slip: the type when p's
// is unknown, identifiers, the masked card, the currency, and the amount of
// an approved payment that carries none (no BMP 04 and no command seen).
// It never changes a field p already has, so a terminal's own result
// always wins over its slip.
func (s *Slip) Fill(p *drivers.Payment) {
	if (p.Type == "" || p.Type == drivers.PayUnknown) && s.Type != "" {
		p.Type = s.Type
	}
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&p.AuthCode, s.AuthCode)
	fill(&p.Reference, s.Reference)
	fill(&p.Trace, s.Trace)
	fill(&p.OriginalTrace, s.OriginalTrace)
	fill(&p.ReceiptNo, s.ReceiptNo)
	fill(&p.TerminalID, s.TerminalID)
	if p.Card == "" && s.Card != "" {
		p.Card = drivers.MaskPAN(s.Card)
	}
	sameCurrency := p.Currency == "" || s.Currency == "" || p.Currency == s.Currency
	if p.Result == drivers.Approved && p.Amount == 0 && p.Requested == 0 && s.HasAmount && !s.Declined && sameCurrency {
		p.Amount = s.Amount
	}
	fill(&p.Currency, s.Currency)
}
