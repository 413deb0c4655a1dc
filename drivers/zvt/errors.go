package zvt

import (
	"errors"
	"fmt"
)

// Sentinel errors wrapped by DecodeError. Use errors.Is to test for them.
// No error of this package ever carries card data: messages name tags,
// lengths and offsets only.
var (
	// ErrShort: the bytes end before a declared length does.
	ErrShort = errors.New("short data")
	// ErrTrailing: bytes left over after a complete APDU inside a frame.
	ErrTrailing = errors.New("trailing bytes")
	// ErrUnknownBMP: a BMP tag whose length class is not known.
	ErrUnknownBMP = errors.New("unknown BMP")
	// ErrCRC: a serial frame's CRC does not match its content.
	ErrCRC = errors.New("CRC mismatch")
	// ErrFraming: bad DLE stuffing or a frame cut by a new DLE STX.
	ErrFraming = errors.New("bad framing")
	// ErrTooLong: a frame or APDU larger than MaxAPDU.
	ErrTooLong = errors.New("too long")
	// ErrBadLength: a malformed LLVAR/LLLVAR or BER length.
	ErrBadLength = errors.New("bad length field")
	// ErrBCD: a BCD field with a non-decimal nibble where digits are required.
	ErrBCD = errors.New("bad BCD")
	// ErrNotStatus: DecodeStatus was given an APDU that is not 04 0F.
	ErrNotStatus = errors.New("not a status information")
	// ErrUnknownClass: a TCP stream byte that cannot start an APDU.
	ErrUnknownClass = errors.New("unknown APDU class")
	// ErrNoResult: a status information without BMP 27 (result code).
	ErrNoResult = errors.New("no result code")
)

// DecodeError is a decoding failure at a byte offset (within the APDU, the
// frame or the buffered stream, as the context says).
type DecodeError struct {
	Offset int    // byte offset of the problem
	Msg    string // context: what was being decoded; never card data
	Err    error  // one of the sentinels above
}

// Error implements error.
func (e *DecodeError) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("zvt: offset %d: %v", e.Offset, e.Err)
	}
	return fmt.Sprintf("zvt: offset %d: %s: %v", e.Offset, e.Msg, e.Err)
}

// Unwrap returns the sentinel.
func (e *DecodeError) Unwrap() error { return e.Err }

// derr builds a *DecodeError with a formatted context message.
func derr(off int, sentinel error, format string, args ...any) *DecodeError {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &DecodeError{Offset: off, Msg: msg, Err: sentinel}
}

// shift moves the offset of a *DecodeError by base (used when an inner
// decoder reports offsets relative to its own slice); other errors pass.
func shift(err error, base int) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return &DecodeError{Offset: de.Offset + base, Msg: de.Msg, Err: de.Err}
	}
	return err
}
