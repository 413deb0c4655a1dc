package template

import (
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
)

// ErrTLV: a BER-TLV body that cannot be walked.
var ErrTLV = errors.New("bad TLV")

// walkTLV calls fn for every object of a BER-TLV body, descending into
// constructed objects. off is the value's offset in b.
func walkTLV(b []byte, base int, fn func(tag uint32, v []byte, off int)) error {
	for i := 0; i < len(b); {
		if b[i] == 0x00 || b[i] == 0xFF { // padding between objects
			i++
			continue
		}
		start := i
		tag := uint32(b[i])
		constructed := b[i]&0x20 != 0
		if b[i]&0x1F == 0x1F {
			for {
				i++
				if i >= len(b) || i-start > 3 {
					return frameErr(ErrTLV, "tag at offset %d cut short", base+start)
				}
				tag = tag<<8 | uint32(b[i])
				if b[i]&0x80 == 0 {
					break
				}
			}
		}
		i++
		if i >= len(b) {
			return frameErr(ErrTLV, "tag %X at offset %d has no length", tag, base+start)
		}
		n := int(b[i])
		i++
		if n > 0x80 {
			k := n & 0x7F
			if k > 2 || i+k > len(b) {
				return frameErr(ErrTLV, "tag %X at offset %d: bad length", tag, base+start)
			}
			n = 0
			for ; k > 0; k-- {
				n = n<<8 | int(b[i])
				i++
			}
		} else if n == 0x80 {
			return frameErr(ErrTLV, "tag %X at offset %d: indefinite length", tag, base+start)
		}
		if i+n > len(b) {
			return frameErr(ErrTLV, "tag %X at offset %d: length %d over the body", tag, base+start, n)
		}
		v := b[i : i+n]
		fn(tag, v, base+i)
		if constructed {
			if err := walkTLV(v, base+i, fn); err != nil {
				return err
			}
		}
		i += n
	}
	return nil
}

// value renders a TLV value in a tag's format.
func (t *Template) value(format string, v []byte) string {
	switch format {
	case "bcd":
		var b strings.Builder
		for i := 0; i < 2*len(v); i++ {
			nb := v[i/2] >> 4
			if i%2 == 1 {
				nb = v[i/2] & 0x0F
			}
			switch {
			case nb <= 9:
				b.WriteByte('0' + nb)
			case nb == 0x0E:
				b.WriteByte('*')
			case nb == 0x0F:
				return b.String()
			default:
				b.WriteByte('A' + nb - 10)
			}
		}
		return b.String()
	case "hex":
		return strings.ToUpper(hex.EncodeToString(v))
	case "bin":
		var n uint64
		for _, c := range v[max(0, len(v)-8):] {
			n = n<<8 | uint64(c)
		}
		return strconv.FormatUint(n, 10)
	}
	return strings.TrimSpace(strings.Trim(t.text(v), "\x00"))
}

// text decodes bytes with the template's encoding.
func (t *Template) text(b []byte) string {
	if t.enc == nil {
		return string(b)
	}
	s, err := t.enc.NewDecoder().Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(s)
}
