package zvt

import "github.com/tillwatch/tillwatch/drivers"

// Serial transport control bytes.
const (
	DLE = 0x10        // data link escape
	STX = 0x02        // start of text
	ETX = 0x03        // end of text
	ACK = drivers.ACK // positive acknowledgement byte of the serial transport
	NAK = drivers.NAK // negative acknowledgement byte of the serial transport
)

// crcTable is CRC-16/KERMIT (reflected poly 0x8408) for one byte.
var crcTable = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ 0x8408
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}()

// crcUpdate folds p into a running CRC-16/KERMIT.
func crcUpdate(crc uint16, p []byte) uint16 {
	for _, b := range p {
		crc = crc>>8 ^ crcTable[byte(crc)^b]
	}
	return crc
}

// CRC returns the serial frame checksum of an APDU: CRC-16/KERMIT (poly
// 0x8408 reflected, init 0, no final xor) over the unstuffed APDU followed by
// ETX. On the wire it follows DLE ETX, low byte first.
func CRC(apdu []byte) uint16 {
	return crcUpdate(crcUpdate(0, apdu), []byte{ETX})
}

// Frame encodes an APDU for the serial transport: DLE STX, the APDU with
// every DLE doubled, DLE ETX, CRC low byte, CRC high byte.
func Frame(apdu []byte) []byte {
	out := make([]byte, 0, len(apdu)+8)
	out = append(out, DLE, STX)
	for _, b := range apdu {
		out = append(out, b)
		if b == DLE {
			out = append(out, DLE)
		}
	}
	c := CRC(apdu)
	return append(out, DLE, ETX, byte(c), byte(c>>8))
}
