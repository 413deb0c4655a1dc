package zvt

import "github.com/tillwatch/tillwatch/drivers"

// maskTextPANs masks card numbers printed in receipt text (06 D1 / 06 D3),
// in place. Terminals should mask receipts themselves; this guards journals
// and captures against one that does not.
func maskTextPANs(b []byte) { drivers.MaskTextPANs(b) }

// redactText masks card numbers in the text of a print command's data. A
// 06 D3 whose TLV cannot be walked is zeroed: its text cannot be checked.
func redactText(cmd uint16, data []byte) {
	switch cmd {
	case CmdPrintLine:
		if len(data) > 1 {
			maskTextPANs(data[1:])
		}
	case CmdPrintText:
		err := eachBMP(data, func(tag byte, v []byte, _ int) error {
			if tag != bmpTLV {
				return nil
			}
			return walkTLV(v, func(_, t uint32, val []byte) error {
				if t == tlvTextLine {
					maskTextPANs(val)
				}
				return nil
			})
		})
		if err != nil {
			clear(data)
		}
	}
}

// maskedText is trimText of b with every card number in it masked; b is
// not changed.
func maskedText(b []byte) string {
	t := []byte(trimText(b))
	maskTextPANs(t)
	return string(t)
}
