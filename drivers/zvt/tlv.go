package zvt

// berLength decodes a BER-TLV length: one byte below 0x80, or 0x81 / 0x82
// followed by one or two length bytes. It returns the length and the number
// of bytes the length field used.
func berLength(b []byte) (n, width int, err error) {
	if len(b) == 0 {
		return 0, 0, derr(0, ErrShort, "BER length")
	}
	switch c := b[0]; {
	case c < 0x80:
		return int(c), 1, nil
	case c == 0x81:
		if len(b) < 2 {
			return 0, 0, derr(0, ErrShort, "BER length 81")
		}
		return int(b[1]), 2, nil
	case c == 0x82:
		if len(b) < 3 {
			return 0, 0, derr(0, ErrShort, "BER length 82")
		}
		return int(b[1])<<8 | int(b[2]), 3, nil
	default:
		return 0, 0, derr(0, ErrBadLength, "BER length byte %02X", c)
	}
}

// appendBERLength appends n as a BER-TLV length.
func appendBERLength(out []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(out, byte(n))
	case n <= 0xFF:
		return append(out, 0x81, byte(n))
	default:
		return append(out, 0x82, byte(n>>8), byte(n))
	}
}

// TLV tags of the ZVT TLV container (BMP 06) that tillwatch reads.
const (
	tlvTextLines   = 0x25   // constructed: print text lines (07)
	tlvTextLine    = 0x07   // one line of text
	tlvReceiptType = 0x1F07 // 1 customer, 2 merchant... see PrintText
	tlvAID         = 0x43   // EMV application identifier
	tlvTID         = 0x1F44 // terminal id (4 bytes BCD)
	tlvDeviceName  = 0x1F40 // device name (ASCII)
	tlvSoftware    = 0x1F41 // software version (ASCII)
)

// maxTLVDepth bounds the recursion into constructed TLV objects.
const maxTLVDepth = 8

// walkTLV walks a BER-TLV list and calls fn for every object, descending
// into constructed ones (tag's first byte has bit 0x20); parent is the tag
// of the enclosing object (0 at the top). Errors are *DecodeError with
// offsets relative to b.
func walkTLV(b []byte, fn func(parent, tag uint32, val []byte) error) error {
	return walkTLVAt(b, 0, 0, 0, fn)
}

func walkTLVAt(b []byte, base int, parent uint32, depth int, fn func(parent, tag uint32, val []byte) error) error {
	if depth > maxTLVDepth {
		return derr(base, ErrBadLength, "TLV nested deeper than %d", maxTLVDepth)
	}
	for i := 0; i < len(b); {
		start := i
		first := b[i]
		tag := uint32(first)
		i++
		if first&0x1F == 0x1F {
			for k := 0; ; k++ {
				if i >= len(b) || k == 3 {
					return derr(base+start, ErrShort, "TLV tag")
				}
				c := b[i]
				i++
				tag = tag<<8 | uint32(c)
				if c&0x80 == 0 {
					break
				}
			}
		}
		n, w, err := berLength(b[i:])
		if err != nil {
			return shift(err, base+i)
		}
		i += w
		if i+n > len(b) {
			return derr(base+start, ErrShort, "TLV %X: value of %d bytes, %d present", tag, n, len(b)-i)
		}
		val := b[i : i+n]
		if err := fn(parent, tag, val); err != nil {
			return err
		}
		if first&0x20 != 0 {
			if err := walkTLVAt(val, base+i, tag, depth+1, fn); err != nil {
				return err
			}
		}
		i += n
	}
	return nil
}

// appendTLV appends one TLV object with a one- or two-byte tag.
func appendTLV(out []byte, tag uint32, val []byte) []byte {
	if tag > 0xFF {
		out = append(out, byte(tag>>8))
	}
	out = append(out, byte(tag))
	out = appendBERLength(out, len(val))
	return append(out, val...)
}
