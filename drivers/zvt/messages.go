package zvt

import (
	"github.com/tillwatch/tillwatch/drivers"
)

// Commands tillwatch knows by name (CLASS<<8 | INSTR).
const (
	CmdRegistration   = 0x0600
	CmdAuthorisation  = 0x0601 // sale
	CmdCompletion     = 0x060F
	CmdAbort          = 0x061E
	CmdPreAuth        = 0x0622 // reservation
	CmdPartialRev     = 0x0623 // partial reversal / booking of a reservation
	CmdBookTotal      = 0x0624
	CmdPreAuthRev     = 0x0625
	CmdReversal       = 0x0630 // void
	CmdRefund         = 0x0631
	CmdEndOfDay       = 0x0650
	CmdReadCard       = 0x06C0
	CmdPrintLine      = 0x06D1
	CmdPrintText      = 0x06D3
	CmdStatusInfo     = 0x040F
	CmdIntermediate   = 0x04FF
	CmdAck            = 0x8000
	CmdFeigFunction   = 0x0FA1
	cmdAbortRequest   = 0x06B0 // register asks the terminal to abort
	classNegativeResp = 0x84
)

// Request is a decoded register -> terminal transaction command.
type Request struct {
	Command  uint16              // e.g. CmdAuthorisation
	Type     drivers.PaymentType // "" for commands that are not transactions
	Amount   *int64              // BMP 04 requested amount; nil when absent
	Currency int                 // BMP 49 ISO 4217 numeric; 0 when absent
	Receipt  string              // BMP 87 receipt number (of the original, for 06 30/23/25)
}

// requestType maps a transaction command to its payment type. End-of-day
// is a transaction command too (its result is a Settlement) and maps to
// PayUnknown; every other command maps to "".
func requestType(cmd uint16) drivers.PaymentType {
	switch cmd {
	case CmdAuthorisation:
		return drivers.PaySale
	case CmdReversal:
		return drivers.PayVoid
	case CmdRefund:
		return drivers.PayRefund
	case CmdPreAuth:
		return drivers.PayPreAuth
	case CmdPartialRev, CmdBookTotal:
		return drivers.PayCapture
	case CmdPreAuthRev:
		return drivers.PayPreAuthRv
	case CmdEndOfDay:
		return drivers.PayUnknown
	}
	return ""
}

// hasPassword reports whether a command's data starts with a 3-byte BCD
// password before its BMPs.
func hasPassword(cmd uint16) bool {
	return cmd == CmdReversal || cmd == CmdRefund || cmd == CmdEndOfDay
}

// DecodeRequest decodes a transaction command (06 01, 06 22-25, 06 30,
// 06 31, 06 50). Like encoding/csv, a malformed BMP list returns the
// Request decoded so far (its Command and Type are always right) together
// with the error.
func DecodeRequest(a *APDU) (*Request, error) {
	r := &Request{Command: a.Command(), Type: requestType(a.Command())}
	data := a.Data
	base := 0
	if hasPassword(r.Command) {
		if len(data) < 3 {
			return r, derr(len(data), ErrShort, "command %02X %02X: password", a.Class, a.Instr)
		}
		data, base = data[3:], 3
	}
	err := eachBMP(data, func(tag byte, v []byte, _ int) error {
		switch tag {
		case bmpAmount:
			n, err := bcdInt(v)
			if err != nil {
				return err
			}
			r.Amount = &n
		case bmpCurrency:
			n, err := bcdInt(v)
			if err != nil {
				return err
			}
			r.Currency = int(n)
		case bmpReceipt:
			r.Receipt = bcdString(v)
		}
		return nil
	})
	if err != nil {
		return r, shift(err, base)
	}
	return r, nil
}

// AbortInfo is a decoded 06 1E abort.
type AbortInfo struct {
	Result  int    // result code (the byte after 06 1E); -1 when absent
	Receipt string // BMP 87, when sent (FFFF = no open reservation)
}

// DecodeAbort decodes 06 1E: a result code, then optional BMPs.
func DecodeAbort(a *APDU) (*AbortInfo, error) {
	ab := &AbortInfo{Result: -1}
	if len(a.Data) == 0 {
		return ab, nil
	}
	ab.Result = int(a.Data[0])
	err := eachBMP(a.Data[1:], func(tag byte, v []byte, _ int) error {
		if tag == bmpReceipt {
			ab.Receipt = bcdString(v)
		}
		return nil
	})
	if err != nil {
		return ab, shift(err, 1)
	}
	return ab, nil
}

// DecodeIntermediate decodes 04 FF and returns the intermediate status code
// (e.g. 0x17 "please wait").
func DecodeIntermediate(a *APDU) (int, error) {
	if len(a.Data) == 0 {
		return 0, derr(0, ErrShort, "04 FF without status byte")
	}
	return int(a.Data[0]), nil
}

// PrintText is the parsed form of a 06 D3 text block or a 06 D1 line.
type PrintText struct {
	ReceiptType int // TLV 1F07: 1 merchant, 2 customer, 3 administration; 0 when absent
	Lines       int // number of lines (TLV 07 inside 25; 1 for 06 D1)
	Attribute   int // 06 D1 attribute byte; -1 for 06 D3
	// Raw holds each line's bytes in the terminal's character set. It
	// aliases the APDU and may hold a card number the terminal did not
	// mask: copy and mask (maskTextPANs) before keeping it.
	Raw [][]byte
}

// DecodePrintText decodes 06 D3 (TLV container with receipt type and text
// lines) or 06 D1 (attribute byte and one line).
func DecodePrintText(a *APDU) (*PrintText, error) {
	p := &PrintText{Attribute: -1}
	if a.Command() == CmdPrintLine {
		p.Lines = 1
		if len(a.Data) > 0 {
			p.Attribute = int(a.Data[0])
			p.Raw = [][]byte{a.Data[1:]}
		} else {
			p.Raw = [][]byte{nil}
		}
		return p, nil
	}
	err := eachBMP(a.Data, func(tag byte, v []byte, off int) error {
		if tag != bmpTLV {
			return nil
		}
		return shift(walkTLV(v, func(parent, t uint32, val []byte) error {
			switch {
			case t == tlvReceiptType && len(val) > 0:
				p.ReceiptType = int(val[0])
			case t == tlvTextLine && parent == tlvTextLines:
				p.Lines++
				p.Raw = append(p.Raw, val)
			}
			return nil
		}), off)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
