package drivers

import (
	"encoding/json"
	"fmt"
	"slices"
)

// envelope is the serialised form of an event: its type and its body.
type envelope struct {
	Type string          `json:"type"`
	Body json.RawMessage `json:"event"`
}

// Marshal encodes an event with its type so Unmarshal can restore it.
func Marshal(e Event) ([]byte, error) {
	var buf []byte
	switch e.(type) {
	case *Receipt:
		buf = make([]byte, 0, 512)
	case *Payment:
		buf = make([]byte, 0, 256)
	}
	b, err := AppendMarshal(buf, e)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// AppendMarshal appends Marshal(e) to dst: a caller that encodes many
// events (event ids) reuses one buffer. On error dst is returned as given.
func AppendMarshal(dst []byte, e Event) ([]byte, error) {
	switch v := e.(type) {
	case *Receipt:
		if v != nil {
			if body, ok := appendReceiptJSON(append(dst, `{"type":"receipt","event":`...), v); ok {
				return append(body, '}'), nil
			}
		}
	case *Payment:
		if v != nil {
			if body, ok := appendPaymentJSON(append(dst, `{"type":"payment","event":`...), v); ok {
				return append(body, '}'), nil
			}
		}
	}
	body, err := json.Marshal(e)
	if err != nil {
		return dst, fmt.Errorf("drivers: marshal %s: %w", e.EventType(), err)
	}
	typ := e.EventType()
	if !plainName(typ) {
		env, err := json.Marshal(envelope{Type: typ, Body: body})
		if err != nil {
			return dst, err
		}
		return append(dst, env...), nil
	}
	// What json.Marshal of the envelope gives, without its second pass over
	// the body (compacting a RawMessage validates and HTML-escapes it):
	// json.Marshal's output is compact and escaped already, and a plain
	// name needs no escaping. Event ids hash these bytes, so they must not
	// change (TestMarshalEnvelope compares the two).
	out := slices.Grow(dst, len(`{"type":"","event":}`)+len(typ)+len(body))
	out = append(out, `{"type":"`...)
	out = append(out, typ...)
	out = append(out, `","event":`...)
	out = append(out, body...)
	return append(out, '}'), nil
}

// plainName reports whether s is a non-empty run of ASCII letters, digits
// and underscores: a JSON string that encodes as itself between quotes.
func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}

// Unmarshal decodes what Marshal produced.
func Unmarshal(b []byte) (Event, error) {
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("drivers: unmarshal event: %w", err)
	}
	var e Event
	switch env.Type {
	case "receipt":
		e = &Receipt{}
	case "payment":
		e = &Payment{}
	case "printer_status":
		e = &PrinterStatus{}
	case "settlement":
		e = &Settlement{}
	case "link":
		e = &Link{}
	case "damage":
		e = &Damage{}
	default:
		return nil, fmt.Errorf("drivers: unmarshal event: unknown type %q", env.Type)
	}
	if err := json.Unmarshal(env.Body, e); err != nil {
		return nil, fmt.Errorf("drivers: unmarshal %s: %w", env.Type, err)
	}
	return e, nil
}
