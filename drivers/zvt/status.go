package zvt

import (
	"strings"

	"github.com/tillwatch/tillwatch/drivers"
)

// Status is a decoded 04 0F status information (a transaction result). It
// holds no card data beyond the masked card number: track data, CVV and the
// unmasked PAN are dropped while decoding. Byte-valued fields are -1 when
// their BMP is absent.
type Status struct {
	Result        int    // BMP 27 result code (0 = approved); -1 when absent
	ResultAS      int    // BMP A0 result code of the authorisation system; -1 when absent
	Amount        *int64 // BMP 04 amount in minor units; nil when absent
	Currency      int    // BMP 49 ISO 4217 numeric code; 0 when absent
	Trace         string // BMP 0B trace number
	OriginalTrace string // BMP 37 trace number of the reversed transaction
	ReceiptNo     string // BMP 87 receipt number
	Turnover      string // BMP 88 turnover record number
	Time          string // BMP 0C hhmmss
	Date          string // BMP 0D MMDD
	Expiry        string // BMP 0E YYMM (card expiry; not sensitive alone)
	CardSeq       string // BMP 17 card sequence number
	PaymentType   int    // BMP 19 payment type; -1 when absent
	Card          string // BMP 22 card number, masked by drivers.MaskPAN
	AuthCode      string // BMP 3B authorisation attribute, trimmed
	TerminalID    string // BMP 29 terminal id
	VU            string // BMP 2A merchant (VU) number, trimmed
	CardType      int    // BMP 8A ZVT card type; -1 when absent
	CardTypeID    int    // BMP 8C network operator card type id; -1 when absent
	CardName      string // BMP 8B card name
	Text          string // BMP 3C additional text
	AID           string // TLV 43 EMV application id (hex), from BMP 06
	Totals        *Totals
	// TrackDataDropped is set when BMP 23, 24, 2D or 3A was present and
	// skipped (its content is never kept).
	TrackDataDropped bool
}

// Totals are the BMP 60 individual totals of an end-of-day 04 0F.
type Totals struct {
	From, To string // receipt number range
	Count    int    // number of transactions, all card groups
	Amount   int64  // turnover in minor units, all card groups
	Cards    []CardTotal
}

// CardTotal is one card group of BMP 60.
type CardTotal struct {
	Name   string
	Count  int
	Amount int64
}

// totalsGroup names card group k of BMP 60 (wire order).
func totalsGroup(k int) string {
	switch k {
	case 0:
		return "girocard"
	case 1:
		return "JCB"
	case 2:
		return "Eurocard"
	case 3:
		return "Amex"
	case 4:
		return "VISA"
	case 5:
		return "Diners"
	}
	return "other"
}

// DecodeStatus decodes a 04 0F status information. It fails on the first
// unknown BMP or malformed field and then returns no Status: a half-decoded
// result must never become a payment. Error offsets are relative to a.Data.
func DecodeStatus(a *APDU) (*Status, error) {
	if a.Command() != 0x040F {
		return nil, derr(0, ErrNotStatus, "APDU %02X %02X", a.Class, a.Instr)
	}
	s := &Status{Result: -1, ResultAS: -1, PaymentType: -1, CardType: -1, CardTypeID: -1}
	if err := eachBMP(a.Data, s.field); err != nil {
		return nil, err
	}
	return s, nil
}

// field stores one BMP of a status information.
func (s *Status) field(tag byte, v []byte, off int) error {
	var err error
	switch tag {
	case bmpResult:
		s.Result = int(v[0])
	case bmpResultAS:
		s.ResultAS = int(v[0])
	case bmpAmount:
		var n int64
		if n, err = bcdInt(v); err == nil {
			s.Amount = &n
		}
	case bmpCurrency:
		var n int64
		n, err = bcdInt(v)
		s.Currency = int(n)
	case bmpTrace:
		s.Trace = bcdString(v)
	case bmpOrigTrace:
		s.OriginalTrace = bcdString(v)
	case bmpReceipt:
		s.ReceiptNo = bcdString(v)
	case bmpTurnover:
		s.Turnover = bcdString(v)
	case bmpTime:
		s.Time = bcdString(v)
	case bmpDate:
		s.Date = bcdString(v)
	case bmpExpiry:
		s.Expiry = bcdString(v)
	case bmpCardSeq:
		s.CardSeq = bcdString(v)
	case bmpPaymentType:
		s.PaymentType = int(v[0])
	case bmpPAN:
		s.Card = drivers.MaskPAN(panWire(v))
	case bmpAuthCode:
		s.AuthCode = trimText(v)
	case bmpTID:
		s.TerminalID = bcdString(v)
	case bmpVU:
		s.VU = trimText(v)
	case bmpCardType:
		s.CardType = int(v[0])
	case bmpCardTypeID:
		s.CardTypeID = int(v[0])
	case bmpCardName:
		s.CardName = maskedText(v)
	case bmpText:
		s.Text = maskedText(v) // free text: a terminal may print a card number in it
	case bmpTotals:
		s.Totals, err = decodeTotals(v)
	case bmpTLV:
		err = walkTLV(v, func(_, t uint32, val []byte) error {
			if t == tlvAID && s.AID == "" {
				s.AID = strings.ToUpper(bcdString(val))
			}
			return nil
		})
	default:
		if isTrack(tag) {
			s.TrackDataDropped = true
		}
	}
	if err != nil {
		return shift(err, off)
	}
	return nil
}

// decodeTotals decodes BMP 60 individual totals: receipt from (2 BCD),
// receipt to (2 BCD), then per card group a count (1 byte binary) and a
// turnover (6 BCD).
func decodeTotals(v []byte) (*Totals, error) {
	if len(v) < 4 || (len(v)-4)%7 != 0 {
		return nil, derr(0, ErrBadLength, "BMP 60 of %d bytes is not 4 + 7*n", len(v))
	}
	t := &Totals{From: bcdString(v[0:2]), To: bcdString(v[2:4])}
	for i, k := 4, 0; i < len(v); i, k = i+7, k+1 {
		amt, err := bcdInt(v[i+1 : i+7])
		if err != nil {
			return nil, shift(err, i+1)
		}
		t.Cards = append(t.Cards, CardTotal{Name: totalsGroup(k), Count: int(v[i]), Amount: amt})
		t.Count += int(v[i])
		t.Amount += amt
	}
	return t, nil
}
