package uplink

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrBadMessage is wrapped by every DecodeMessage and Message.Validate
// error.
var ErrBadMessage = errors.New("uplink: bad outbox message")

// messageVersion is the first byte of an encoded Message.
const messageVersion = 1

// flagRetain is bit 0 of the flags byte.
const flagRetain = 1

// maxTopic is the longest topic MQTT can carry (a 16-bit length).
const maxTopic = 65535

// Message is one MQTT publication waiting in the outbox. It is always sent
// with QoS 1.
type Message struct {
	Topic   string
	Payload []byte
	Retain  bool
}

// EncodeMessage returns m in the outbox value format:
//
//	version (1 byte, = 1) | flags (1 byte, bit 0 = retain) |
//	uvarint len(topic) | topic | payload (the rest)
//
// It does not validate m; see Message.Validate. A value that does not
// decode is dead-lettered by the uplink, not retried.
func EncodeMessage(m Message) []byte {
	b := make([]byte, 0, 2+binary.MaxVarintLen32+len(m.Topic)+len(m.Payload))
	var flags byte
	if m.Retain {
		flags |= flagRetain
	}
	b = append(b, messageVersion, flags)
	b = binary.AppendUvarint(b, uint64(len(m.Topic)))
	b = append(b, m.Topic...)
	return append(b, m.Payload...)
}

// DecodeMessage reverses EncodeMessage and validates the result. Errors
// wrap ErrBadMessage and never quote the payload.
func DecodeMessage(b []byte) (Message, error) {
	if len(b) < 3 {
		return Message{}, fmt.Errorf("%w: %d bytes, want at least 3", ErrBadMessage, len(b))
	}
	if b[0] != messageVersion {
		return Message{}, fmt.Errorf("%w: version %d, want %d", ErrBadMessage, b[0], messageVersion)
	}
	flags := b[1]
	if flags&^flagRetain != 0 {
		return Message{}, fmt.Errorf("%w: unknown flags %#02x", ErrBadMessage, flags)
	}
	n, w := binary.Uvarint(b[2:])
	if w <= 0 {
		return Message{}, fmt.Errorf("%w: bad topic length", ErrBadMessage)
	}
	rest := b[2+w:]
	if n > maxTopic || n > uint64(len(rest)) {
		return Message{}, fmt.Errorf("%w: topic length %d with %d bytes left", ErrBadMessage, n, len(rest))
	}
	m := Message{
		Topic:   string(rest[:n]),
		Payload: rest[n:],
		Retain:  flags&flagRetain != 0,
	}
	if err := m.Validate(); err != nil {
		return Message{}, err
	}
	return m, nil
}

// Validate reports whether m can be published: a topic of 1 to 65535
// bytes of UTF-8 without wildcards (+ #) or NUL.
func (m Message) Validate() error {
	switch {
	case m.Topic == "":
		return fmt.Errorf("%w: empty topic", ErrBadMessage)
	case len(m.Topic) > maxTopic:
		return fmt.Errorf("%w: topic of %d bytes", ErrBadMessage, len(m.Topic))
	case !utf8.ValidString(m.Topic):
		return fmt.Errorf("%w: topic is not UTF-8", ErrBadMessage)
	case strings.ContainsAny(m.Topic, "+#\x00"):
		return fmt.Errorf("%w: topic %q has a wildcard or NUL", ErrBadMessage, m.Topic)
	}
	return nil
}
