package zvt

import "errors"

// CompletionInfo is a decoded 06 0F completion. Terminals send three
// layouts: a BMP list (19 status byte, 29 terminal id, 49 currency, 06 TLV),
// the status-enquiry answer (software version as LLLVAR without a tag, a
// terminal status byte, optional BMPs), and Feig cVEND's fixed-width ASCII
// system information (answer to 0F A1).
type CompletionInfo struct {
	Status     int    // BMP 19 or the terminal status byte; -1 when absent
	TerminalID string // BMP 29, TLV 1F44 or the Feig TID field
	Currency   int    // BMP 49; 0 when absent
	Software   string // software version, when sent
	DeviceName string // TLV 1F40 (device name), when sent
	DeviceID   string // Feig device id, when sent
}

// feigSysInfoLen is the size of Feig's fixed-width system information:
// device id 8, software 17, terminal id 8, temperature 4 (EVerest/zvt
// feig/packets).
const feigSysInfoLen = 37

// DecodeCompletion decodes a 06 0F completion in any of its layouts.
func DecodeCompletion(a *APDU) (*CompletionInfo, error) {
	c := &CompletionInfo{Status: -1}
	d := a.Data
	if len(d) == 0 {
		return c, nil
	}
	base := 0
	if n, err := varLen(d, 3); err == nil && 3+n < len(d) {
		c.Software = trimText(d[3 : 3+n])
		c.Status = int(d[3+n])
		base = 4 + n
	}
	err := eachBMP(d[base:], c.field)
	if err == nil {
		return c, nil
	}
	err = shift(err, base)
	if base == 0 && len(d) == feigSysInfoLen && printable(d) && errors.Is(err, ErrUnknownBMP) {
		return &CompletionInfo{Status: -1, DeviceID: string(d[0:8]), Software: trimText(d[8:25]), TerminalID: string(d[25:33])}, nil
	}
	return nil, err
}

// field stores one BMP of a completion.
func (c *CompletionInfo) field(tag byte, v []byte, off int) error {
	switch tag {
	case bmpPaymentType:
		c.Status = int(v[0])
	case bmpTID:
		c.TerminalID = bcdString(v)
	case bmpCurrency:
		n, err := bcdInt(v)
		if err != nil {
			return shift(err, off)
		}
		c.Currency = int(n)
	case bmpTLV:
		return shift(walkTLV(v, func(_, t uint32, val []byte) error {
			switch t {
			case tlvTID:
				if c.TerminalID == "" {
					c.TerminalID = bcdString(val)
				}
			case tlvDeviceName:
				c.DeviceName = trimText(val)
			case tlvSoftware:
				if c.Software == "" {
					c.Software = trimText(val)
				}
			}
			return nil
		}), off)
	}
	return nil
}

// printable reports whether b is printable ASCII.
func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7E {
			return false
		}
	}
	return true
}
