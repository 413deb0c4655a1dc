package zvt

// lenClass is how a BMP's value length is given.
type lenClass uint8

const (
	fixedLen lenClass = iota + 1 // a fixed number of bytes
	llvar                        // two bytes Fx Fy: length xy (0-99)
	lllvar                       // three bytes Fx Fy Fz: length xyz (0-999)
	berLen                       // BER-TLV length (BMP 06, the TLV container)
)

// BMP tags with a meaning for tillwatch.
const (
	bmpTimeout       = 0x01
	bmpAmount        = 0x04
	bmpTLV           = 0x06
	bmpTrace         = 0x0B
	bmpTime          = 0x0C
	bmpDate          = 0x0D
	bmpExpiry        = 0x0E
	bmpCardSeq       = 0x17
	bmpPaymentType   = 0x19
	bmpPAN           = 0x22
	bmpTrack2        = 0x23
	bmpTrack3        = 0x24
	bmpResult        = 0x27
	bmpTID           = 0x29
	bmpVU            = 0x2A
	bmpTrack1        = 0x2D
	bmpOrigTrace     = 0x37
	bmpCVV           = 0x3A
	bmpAuthCode      = 0x3B
	bmpText          = 0x3C
	bmpCurrency      = 0x49
	bmpTotals        = 0x60
	bmpReceipt       = 0x87
	bmpTurnover      = 0x88
	bmpCardType      = 0x8A
	bmpCardName      = 0x8B
	bmpCardTypeID    = 0x8C
	bmpResultAS      = 0xA0
	bmpMaxStatusInfo = 0x02
)

// bmpSpec returns the length class of a BMP tag and, for fixed fields, the
// byte count (ZVT spec chapter "Bitmaps"; wirelane/ecrterm bitmaps.py).
func bmpSpec(tag byte) (lenClass, int, bool) {
	switch tag {
	case 0x01, 0x02, 0x03, 0x05, 0x19, 0x27, 0x8A, 0x8C, 0xA0, 0xD0, 0xD2, 0xD3,
		0xE0, 0xE9, 0xEA, 0xF0, 0xF9, 0xFA, 0xFB, 0xFC:
		return fixedLen, 1, true
	case 0x0D, 0x0E, 0x17, 0x3A, 0x49, 0x87:
		return fixedLen, 2, true
	case 0x0B, 0x0C, 0x37, 0x3D, 0x88, 0xAA:
		return fixedLen, 3, true
	case 0x29:
		return fixedLen, 4, true
	case 0xBA:
		return fixedLen, 5, true
	case 0x04:
		return fixedLen, 6, true
	case 0x3B, 0xEB:
		return fixedLen, 8, true
	case 0x2A:
		return fixedLen, 15, true
	case 0x22, 0x23, 0x2D, 0x8B, 0xA7, 0xD1,
		0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8,
		0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8:
		return llvar, 0, true
	case 0x24, 0x2E, 0x3C, 0x60, 0x92, 0x9A, 0xAF:
		return lllvar, 0, true
	case 0x06:
		return berLen, 0, true
	}
	return 0, 0, false
}

// isTrack reports whether a BMP carries magnetic-stripe track data (or the
// CVV), which is skipped and never kept (PCI DSS 3.3.1).
func isTrack(tag byte) bool {
	return tag == bmpTrack1 || tag == bmpTrack2 || tag == bmpTrack3 || tag == bmpCVV
}

// eachBMP walks a BMP list and calls fn with each tag, its value and the
// value's offset in data. An unknown tag or a value that runs past the end
// stops the walk with a *DecodeError (offsets relative to data).
func eachBMP(data []byte, fn func(tag byte, val []byte, off int) error) error {
	for i := 0; i < len(data); {
		tag := data[i]
		cls, n, ok := bmpSpec(tag)
		if !ok {
			return derr(i, ErrUnknownBMP, "BMP %02X", tag)
		}
		p := i + 1
		var err error
		switch cls {
		case llvar:
			n, err = varLen(data[p:], 2)
			p += 2
		case lllvar:
			n, err = varLen(data[p:], 3)
			p += 3
		case berLen:
			var w int
			n, w, err = berLength(data[p:])
			p += w
		}
		if err != nil {
			return shift(err, i+1)
		}
		if p+n > len(data) {
			return derr(i, ErrShort, "BMP %02X: value of %d bytes, %d present", tag, n, max(len(data)-p, 0))
		}
		if err := fn(tag, data[p:p+n], p); err != nil {
			return err
		}
		i = p + n
	}
	return nil
}

// varLen decodes an LLVAR (digits=2) or LLLVAR (digits=3) length prefix:
// each byte is F0 + one decimal digit.
func varLen(b []byte, digits int) (int, error) {
	if len(b) < digits {
		return 0, derr(len(b), ErrShort, "%d-digit length prefix", digits)
	}
	n := 0
	for k := range digits {
		c := b[k]
		if c&0xF0 != 0xF0 || c&0x0F > 9 {
			return 0, derr(k, ErrBadLength, "length digit %02X", c)
		}
		n = n*10 + int(c&0x0F)
	}
	return n, nil
}

// appendVarLen appends an LLVAR/LLLVAR prefix for n.
func appendVarLen(out []byte, n, digits int) []byte {
	d := make([]byte, digits)
	for k := digits - 1; k >= 0; k-- {
		d[k] = 0xF0 | byte(n%10)
		n /= 10
	}
	return append(out, d...)
}
