package zvt

// Encoders build APDUs (not serial frames: wrap them with Frame for a
// serial link). They serve the simulator and the tests.

// StatusFields are the fields StatusInfo encodes. Empty strings and zero
// numbers are left out, except Amount (see NoAmount). PAN and Track2 are
// for tests of the masking: the decoder never returns them.
type StatusFields struct {
	Result        byte   // BMP 27
	Amount        int64  // BMP 04, minor units
	NoAmount      bool   // leave BMP 04 out
	Currency      int    // BMP 49 ISO 4217 numeric
	Trace         string // BMP 0B, up to 6 digits
	Receipt       string // BMP 87, up to 4 digits
	Turnover      string // BMP 88, up to 6 digits
	Time          string // BMP 0C hhmmss
	Date          string // BMP 0D MMDD
	Expiry        string // BMP 0E YYMM
	PAN           string // BMP 22 wire digits, 'E' = masked digit
	Track2        string // BMP 23 digits ('=' and other separators become E nibbles)
	TerminalID    string // BMP 29, 8 digits
	VU            string // BMP 2A, up to 15 characters
	AuthCode      string // BMP 3B, up to 8 characters
	OriginalTrace string // BMP 37
	CardType      int    // BMP 8A (1-255)
	CardName      string // BMP 8B
	Text          string // BMP 3C additional text
	Totals        *Totals
}

// StatusInfo encodes a 04 0F status information from f.
func StatusInfo(f StatusFields) []byte {
	d := []byte{bmpResult, f.Result}
	if !f.NoAmount {
		d = appendBCD(append(d, bmpAmount), f.Amount, 6)
	}
	if f.Currency != 0 {
		d = appendBCD(append(d, bmpCurrency), int64(f.Currency), 2)
	}
	d = appendDigits(d, bmpTrace, f.Trace, 3)
	d = appendDigits(d, bmpReceipt, f.Receipt, 2)
	d = appendDigits(d, bmpTurnover, f.Turnover, 3)
	d = appendDigits(d, bmpTime, f.Time, 3)
	d = appendDigits(d, bmpDate, f.Date, 2)
	d = appendDigits(d, bmpExpiry, f.Expiry, 2)
	if f.PAN != "" {
		d = appendVar(d, bmpPAN, appendBCDString(nil, f.PAN), 2)
	}
	if f.Track2 != "" {
		d = appendVar(d, bmpTrack2, appendBCDString(nil, f.Track2), 2)
	}
	d = appendDigits(d, bmpTID, f.TerminalID, 4)
	if f.VU != "" {
		d = append(d, bmpVU)
		d = append(d, padText(f.VU, 15, ' ')...)
	}
	if f.AuthCode != "" {
		d = append(d, bmpAuthCode)
		d = append(d, padText(f.AuthCode, 8, 0)...)
	}
	d = appendDigits(d, bmpOrigTrace, f.OriginalTrace, 3)
	if f.CardType != 0 {
		d = append(d, bmpCardType, byte(f.CardType))
	}
	if f.CardName != "" {
		d = appendVar(d, bmpCardName, []byte(f.CardName), 2)
	}
	if f.Text != "" {
		d = appendVar(d, bmpText, []byte(f.Text), 3)
	}
	if f.Totals != nil {
		d = appendVar(d, bmpTotals, encodeTotals(f.Totals), 3)
	}
	return encodeAPDU(0x04, 0x0F, d)
}

// encodeTotals encodes BMP 60 from t.Cards in order.
func encodeTotals(t *Totals) []byte {
	v := append(bcdDigits(t.From, 2), bcdDigits(t.To, 2)...)
	for _, c := range t.Cards {
		v = appendBCD(append(v, byte(c.Count)), c.Amount, 6)
	}
	return v
}

// AuthRequest encodes 06 01 authorisation (a sale) of amount minor units;
// currencyNumeric 0 leaves BMP 49 out.
func AuthRequest(amount int64, currencyNumeric int) []byte {
	return encodeAPDU(0x06, 0x01, amountBMPs(nil, amount, currencyNumeric))
}

// PreAuthRequest encodes 06 22 pre-authorisation (reservation).
func PreAuthRequest(amount int64, currencyNumeric int) []byte {
	return encodeAPDU(0x06, 0x22, amountBMPs(nil, amount, currencyNumeric))
}

// RefundRequest encodes 06 31 refund (password 000000).
func RefundRequest(amount int64) []byte {
	return encodeAPDU(0x06, 0x31, amountBMPs([]byte{0, 0, 0}, amount, 0))
}

// ReversalRequest encodes 06 30 reversal (void) of the payment with the
// given receipt number (password 000000).
func ReversalRequest(receiptNo string) []byte {
	return encodeAPDU(0x06, 0x30, appendDigits([]byte{0, 0, 0}, bmpReceipt, receiptNo, 2))
}

// EndOfDayRequest encodes 06 50 end-of-day (password 000000).
func EndOfDayRequest() []byte { return encodeAPDU(0x06, 0x50, []byte{0, 0, 0}) }

// Completion encodes 06 0F completion without data.
func Completion() []byte { return encodeAPDU(0x06, 0x0F, nil) }

// Abort encodes 06 1E abort with a result code.
func Abort(code byte) []byte { return encodeAPDU(0x06, 0x1E, []byte{code}) }

// Intermediate encodes 04 FF intermediate status.
func Intermediate(code byte) []byte { return encodeAPDU(0x04, 0xFF, []byte{code}) }

// Ack encodes the application acknowledgement 80 00 00.
func Ack() []byte { return encodeAPDU(0x80, 0x00, nil) }

// Negative encodes the negative acknowledgement 84 code 00 (84 66 from the
// register refuses a status information).
func Negative(code byte) []byte { return encodeAPDU(0x84, code, nil) }

// amountBMPs appends BMP 04 and, when set, BMP 49.
func amountBMPs(d []byte, amount int64, currency int) []byte {
	d = appendBCD(append(d, bmpAmount), amount, 6)
	if currency != 0 {
		d = appendBCD(append(d, bmpCurrency), int64(currency), 2)
	}
	return d
}

// appendDigits appends BMP tag with digits as n bytes of BCD, left-padded
// with zeros (or keeping the last 2n digits); "" appends nothing.
func appendDigits(d []byte, tag byte, digits string, n int) []byte {
	if digits == "" {
		return d
	}
	return append(append(d, tag), bcdDigits(digits, n)...)
}

// bcdDigits packs digits into n bytes of BCD, left-padded with zeros (or
// keeping the last 2n digits).
func bcdDigits(digits string, n int) []byte {
	for len(digits) < 2*n {
		digits = "0" + digits
	}
	return appendBCDString(nil, digits[len(digits)-2*n:])
}

// appendVar appends BMP tag with an LLVAR (digits 2) or LLLVAR (3) value.
func appendVar(d []byte, tag byte, v []byte, digits int) []byte {
	return append(appendVarLen(append(d, tag), len(v), digits), v...)
}

// padText returns s cut or padded with pad to n bytes.
func padText(s string, n int, pad byte) []byte {
	b := []byte(s)
	if len(b) > n {
		return b[:n]
	}
	for len(b) < n {
		b = append(b, pad)
	}
	return b
}

// PrintTextBlock encodes a 06 D3 print text block: receipt type (TLV
// 1F07: 1 merchant, 2 customer, 3 administration) and lines (TLV 25 / 07),
// each in the terminal's character set.
func PrintTextBlock(receiptType byte, lines ...[]byte) []byte {
	var text []byte
	for _, l := range lines {
		text = appendTLV(text, tlvTextLine, l)
	}
	tlv := append(appendTLV(nil, tlvReceiptType, []byte{receiptType}), appendTLV(nil, tlvTextLines, text)...)
	data := appendBERLength([]byte{bmpTLV}, len(tlv))
	return encodeAPDU(0x06, 0xD3, append(data, tlv...))
}

// PrintLine encodes a 06 D1 print line: attribute byte and text.
func PrintLine(attribute byte, text []byte) []byte {
	return encodeAPDU(0x06, 0xD1, append([]byte{attribute}, text...))
}
