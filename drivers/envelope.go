package drivers

import (
	"encoding/json"
	"fmt"
)

// envelope is the serialised form of an event: its type and its body.
type envelope struct {
	Type string          `json:"type"`
	Body json.RawMessage `json:"event"`
}

// Marshal encodes an event with its type so Unmarshal can restore it.
func Marshal(e Event) ([]byte, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("drivers: marshal %s: %w", e.EventType(), err)
	}
	return json.Marshal(envelope{Type: e.EventType(), Body: body})
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
