package transbank

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Function codes.
const (
	FnSale          = "0200"
	FnSaleResp      = "0210"
	FnMultiSale     = "0270"
	FnMultiSaleResp = "0271"
	FnVoid          = "1200"
	FnVoidResp      = "1210"
	FnIntermediate  = "0900"
	FnClose         = "0500"
	FnCloseResp     = "0510"
	FnTotals        = "0700"
	FnTotalsResp    = "0710"
	FnDetails       = "0260"
	FnDetailsResp   = "0261"
	FnLoadKeys      = "0800"
	FnLoadKeysResp  = "0810"
)

// Models: the field layout of a 0210 sale response differs between them.
const (
	ModelAuto         = "auto"         // decide per message from its fields
	ModelIntegrado    = "integrado"    // register-driven countertop terminal
	ModelAutoservicio = "autoservicio" // unattended terminal
)

// VoucherWidth is the column count of the voucher text in a 0271.
const VoucherWidth = 40

// Message is one decoded payload. Only the fields its function carries are
// set. Card data is already masked: Last4 holds at most 4 digits, Account
// went through drivers.MaskPAN, and Luhn-valid card numbers in Voucher are
// masked.
type Message struct {
	Function          string
	ResponseCode      int  // -1 when the message has none
	Approved          bool // ResponseCode == 0
	Commerce          string
	TerminalID        string
	Ticket            string
	AuthCode          string
	Amount            int64 // CLP has no minor unit: pesos
	Installments      int
	InstallmentAmount int64
	Last4             string
	Operation         string // as on the wire, e.g. "000143"
	CardType          string // "CR" credit, "DB" debit, "PR" prepaid
	AccountingDate    string
	Account           string // masked
	Brand             string
	DateTime          time.Time // terminal clock, no zone (UTC); zero if absent
	Voucher           []string  // 40-column lines
	Intermediate      string    // 0900 status code
	Count             int       // 0710
	Total             int64     // 0710
	EndMarker         bool      // 0261 without a sale: end of the listing
}

// Parse decodes one payload (the bytes between STX and ETX). model selects
// the 0210 layout (ModelAuto, "" or an unknown value decide per message).
func Parse(payload []byte, model string) (*Message, error) {
	f := fields(strings.Split(string(payload), "|"))
	fn := f.at(0)
	if len(fn) != 4 || !allDigits(fn) {
		return nil, derr(0, ErrFunction, "function code of %d bytes", len(fn))
	}
	m := &Message{Function: fn, ResponseCode: -1}
	var err error
	switch fn {
	case FnSale, FnMultiSale:
		m.Amount, err = f.num(1, fn)
		m.Ticket = f.at(2)
	case FnVoid:
		m.Operation = f.at(1)
	case FnIntermediate:
		m.Intermediate = f.at(1)
	case FnSaleResp:
		err = m.sale(f, saleLayout(f, model))
	case FnMultiSaleResp:
		err = m.sale(f, layoutShares)
		m.Voucher = voucher(f.raw(19))
	case FnDetailsResp:
		err = m.sale(f, layoutPlain)
		m.EndMarker = m.AuthCode == "" && m.Ticket == ""
	case FnVoidResp:
		err = m.head(f)
		m.AuthCode, m.Operation = f.at(4), f.at(5)
	case FnTotalsResp:
		err = m.code(f)
		var c int64
		if c, err = f.num(2, fn); err == nil {
			m.Count = int(c)
			m.Total, err = f.num(3, fn)
		}
	case FnCloseResp, FnLoadKeysResp:
		err = m.head(f)
	case FnClose, FnTotals, FnDetails, FnLoadKeys:
	default:
		return nil, derr(0, ErrFunction, "function %s", fn)
	}
	if err != nil {
		return nil, err
	}
	m.scrub()
	return m, nil
}

// scrub masks card numbers in every free-text field, in case a terminal
// (or a register, for the ticket) puts one where none belongs.
func (m *Message) scrub() {
	for _, s := range []*string{&m.Commerce, &m.TerminalID, &m.Ticket, &m.AuthCode, &m.Operation,
		&m.CardType, &m.AccountingDate, &m.Brand, &m.Intermediate} {
		if len(*s) >= 13 {
			b := []byte(*s)
			maskTextPANs(b)
			*s = string(b)
		}
	}
}

// Field layouts of sale records: with the installment fields between amount
// and last 4 digits (0210 of the integrated model, 0271) or without (0210
// of the unattended model, 0261).
const (
	layoutShares = iota
	layoutPlain
)

// saleLayout picks the 0210 layout: the card type ("CR", "DB") sits in
// field 9 without installment fields and in field 11 with them.
func saleLayout(f fields, model string) int {
	switch model {
	case ModelIntegrado:
		return layoutShares
	case ModelAutoservicio:
		return layoutPlain
	}
	if isLetters(f.at(9)) {
		return layoutPlain
	}
	return layoutShares
}

// sale reads the fields of a sale record in the given layout.
func (m *Message) sale(f fields, layout int) error {
	if err := m.head(f); err != nil {
		return err
	}
	m.Ticket, m.AuthCode = f.at(4), f.at(5)
	var err error
	if m.Amount, err = f.num(6, m.Function); err != nil {
		return err
	}
	i := 7
	if layout == layoutShares {
		n, err := f.num(7, m.Function)
		if err != nil {
			return err
		}
		m.Installments = int(n)
		if m.InstallmentAmount, err = f.num(8, m.Function); err != nil {
			return err
		}
		i = 9
	}
	m.Last4 = last4(f.at(i))
	m.Operation, m.CardType, m.AccountingDate = f.at(i+1), f.at(i+2), f.at(i+3)
	m.Account = drivers.MaskPAN(f.at(i + 4))
	m.Brand = f.at(i + 5)
	m.DateTime = dateTime(f.at(i+6), f.at(i+7))
	if layout == layoutPlain && m.Function == FnSaleResp {
		n, err := f.num(i+10, m.Function)
		if err != nil {
			return err
		}
		m.Installments = int(n)
		if m.InstallmentAmount, err = f.num(i+11, m.Function); err != nil {
			return err
		}
	}
	return nil
}

// head reads the response code, commerce code and terminal id.
func (m *Message) head(f fields) error {
	if err := m.code(f); err != nil {
		return err
	}
	m.Commerce, m.TerminalID = f.at(2), f.at(3)
	return nil
}

// code reads the response code in field 1.
func (m *Message) code(f fields) error {
	c, err := f.num(1, m.Function)
	if err != nil {
		return err
	}
	if f.at(1) == "" {
		return derr(0, ErrField, "function %s: no response code", m.Function)
	}
	m.ResponseCode, m.Approved = int(c), c == 0
	return nil
}

// fields are the '|'-separated fields of a payload.
type fields []string

// raw returns field i untrimmed, or "".
func (f fields) raw(i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}

// at returns field i with spaces trimmed, or "".
func (f fields) at(i int) string { return strings.TrimSpace(f.raw(i)) }

// num parses field i as a non-negative decimal; empty is 0.
func (f fields) num(i int, fn string) (int64, error) {
	s := f.at(i)
	if s == "" {
		return 0, nil
	}
	if len(s) > 15 || !allDigits(s) {
		return 0, derr(0, ErrField, "function %s field %d: not a number (%d bytes)", fn, i, len(s))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, derr(0, ErrField, "function %s field %d: %v", fn, i, err)
	}
	return n, nil
}

// last4 keeps at most the last 4 digits of the card number in a card
// field. The field should hold only those; a terminal that sends a whole
// number (masked or not) or track data ("4111...=2512...", track 1's
// "%B4111...^NAME^...") gives the last 4 digits of the number, never of
// the track's expiry or discretionary data: the number is the run of
// digits and mask characters after any start sentinel and format code,
// up to the track's field separator.
func last4(s string) string {
	s = strings.TrimLeft(s, "%;Bb ")
	end := 0
	for end < len(s) && isNumberChar(s[end]) {
		end++
	}
	var b []byte
	for i := range end {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	if len(b) > 4 {
		b = b[len(b)-4:]
	}
	return string(b)
}

// isNumberChar reports whether c can stand in a card number as terminals
// print it: a digit, a mask character or a group separator.
func isNumberChar(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c == drivers.MaskChar, c == 'X', c == 'x', c == ' ', c == '-':
		return true
	}
	return false
}

// dateTime parses DDMMYYYY and HHMMSS; zero when either is malformed.
func dateTime(date, clock string) time.Time {
	t, err := time.Parse("02012006150405", date+clock)
	if err != nil {
		return time.Time{}
	}
	return t
}

// voucher cuts voucher text into lines of VoucherWidth columns, trailing
// spaces removed, card numbers masked.
func voucher(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	b := []byte(s)
	maskTextPANs(b)
	var out []string
	for len(b) > 0 {
		n := min(VoucherWidth, len(b))
		out = append(out, string(bytes.TrimRight(b[:n], " ")))
		b = b[n:]
	}
	return out
}

// allDigits reports whether s is non-empty ASCII digits.
func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isLetters reports whether s is non-empty ASCII letters.
func isLetters(s string) bool {
	for i := range len(s) {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
