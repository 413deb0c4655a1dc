package transbank

import (
	"errors"
	"fmt"
)

// Sentinel errors wrapped by DecodeError. No error of this package carries
// field contents: messages name function codes, field numbers, lengths and
// offsets only.
var (
	// ErrLRC: a frame's LRC matches neither LRC form.
	ErrLRC = errors.New("LRC mismatch")
	// ErrFraming: a frame cut by a new STX, or bytes that cannot be a frame.
	ErrFraming = errors.New("bad framing")
	// ErrTooLong: no ETX within MaxFrame bytes.
	ErrTooLong = errors.New("frame too long")
	// ErrShort: a frame cut off at the end of the input.
	ErrShort = errors.New("short frame")
	// ErrFunction: a payload whose function code is unknown or malformed.
	ErrFunction = errors.New("unknown function code")
	// ErrField: a field that should be a number is not.
	ErrField = errors.New("bad field")
)

// DecodeError is a decoding failure at a byte offset of the frame or of the
// buffered stream.
type DecodeError struct {
	Offset int    // byte offset of the problem
	Msg    string // context; never field contents
	Err    error  // one of the sentinels above
}

// Error implements error.
func (e *DecodeError) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("transbank: offset %d: %v", e.Offset, e.Err)
	}
	return fmt.Sprintf("transbank: offset %d: %s: %v", e.Offset, e.Msg, e.Err)
}

// Unwrap returns the sentinel.
func (e *DecodeError) Unwrap() error { return e.Err }

// derr builds a *DecodeError.
func derr(off int, sentinel error, format string, args ...any) *DecodeError {
	return &DecodeError{Offset: off, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}
