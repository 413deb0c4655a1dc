package zvt

import (
	"fmt"
)

// APDU is one ZVT application message: CLASS INSTR LEN data. Data aliases
// the bytes it was parsed from. APDUs can carry card data, so fmt prints only
// the command and the length (see Format); never log Data.
type APDU struct {
	Class byte
	Instr byte
	Data  []byte
}

// Command returns the two command bytes as one number, e.g. 0x040F.
func (a *APDU) Command() uint16 { return uint16(a.Class)<<8 | uint16(a.Instr) }

// String names the command and its data length: "04 0F (119 bytes)".
func (a *APDU) String() string {
	return fmt.Sprintf("%02X %02X (%d bytes)", a.Class, a.Instr, len(a.Data))
}

// Format prints String for every verb, so %v, %+v and %#v of an APDU never
// show its data bytes.
func (a *APDU) Format(f fmt.State, _ rune) { fmt.Fprint(f, a.String()) }

// Bytes encodes the APDU with a 1-byte length, or FF and a 2-byte
// little-endian length when the data is 255 bytes or more.
func (a *APDU) Bytes() []byte { return encodeAPDU(a.Class, a.Instr, a.Data) }

// encodeAPDU builds CLASS INSTR LEN data.
func encodeAPDU(class, instr byte, data []byte) []byte {
	out := make([]byte, 0, len(data)+5)
	out = append(out, class, instr)
	if len(data) < 0xFF {
		out = append(out, byte(len(data)))
	} else {
		out = append(out, 0xFF, byte(len(data)), byte(len(data)>>8))
	}
	return append(out, data...)
}

// apduHeader reads the header of b: header size and declared data length;
// ok is false when b is too short to hold the header.
func apduHeader(b []byte) (hdr, n int, ok bool) {
	if len(b) < 3 {
		return 0, 0, false
	}
	if b[2] != 0xFF {
		return 3, int(b[2]), true
	}
	if len(b) < 5 {
		return 0, 0, false
	}
	return 5, int(b[3]) | int(b[4])<<8, true
}

// ParseAPDU parses the APDU at the start of b and returns it with the number
// of bytes it occupies. Bytes after it are not looked at. When b ends before
// the declared length the error wraps ErrShort and names the declared and
// the present length.
func ParseAPDU(b []byte) (*APDU, int, error) {
	hdr, n, ok := apduHeader(b)
	if !ok {
		return nil, 0, derr(len(b), ErrShort, "APDU header needs more than %d bytes", len(b))
	}
	if have := len(b) - hdr; have < n {
		return nil, 0, derr(len(b), ErrShort, "APDU %02X %02X: declared length %d > %d bytes present", b[0], b[1], n, have)
	}
	return &APDU{Class: b[0], Instr: b[1], Data: b[hdr : hdr+n]}, hdr + n, nil
}

// parseExact parses b as exactly one APDU (a serial frame's content).
func parseExact(b []byte) (*APDU, error) {
	a, n, err := ParseAPDU(b)
	if err != nil {
		return nil, err
	}
	if n != len(b) {
		return nil, derr(n, ErrTrailing, "APDU %02X %02X: declared length %d < %d bytes present", a.Class, a.Instr, len(a.Data), len(b)-(n-len(a.Data)))
	}
	return a, nil
}

// knownClass reports whether c can start an APDU on a TCP stream: the
// classes of the ZVT command set (04, 05, 06, 08, 0F vendor) and the
// acknowledgements 80 and 84.
func knownClass(c byte) bool {
	switch c {
	case 0x04, 0x05, 0x06, 0x08, 0x0F, 0x80, 0x84:
		return true
	}
	return false
}
