package uplink

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"
)

// Status states of the retained status payload.
const (
	StateOnline  = "online"
	StateOffline = "offline"
)

// Reasons given in an offline status.
const (
	ReasonStopped        = "stopped"         // clean stop
	ReasonConnectionLost = "connection_lost" // last will, sent by the broker
	ReasonReconnecting   = "reconnecting"    // the uplink dropped a stalled connection
)

// statusPayload builds the JSON status object: StatusExtra plus state,
// reason (if any) and since (if not zero).
func statusPayload(extra map[string]any, state, reason string, since time.Time) ([]byte, error) {
	m := make(map[string]any, len(extra)+3)
	maps.Copy(m, extra)
	m["state"] = state
	delete(m, "reason")
	delete(m, "since")
	if reason != "" {
		m["reason"] = reason
	}
	if !since.IsZero() {
		m["since"] = since.UTC().Format(time.RFC3339Nano)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("uplink: status payload: %w", err)
	}
	return b, nil
}

// DeadLetter is the payload published to the dead-letter topic for an
// outbox entry whose value does not decode. Value is the stored bytes
// (base64 in JSON); the outbox only ever holds masked alerts.
type DeadLetter struct {
	ID    string `json:"id"`
	Seq   uint64 `json:"seq"`
	Error string `json:"error"`
	Value []byte `json:"value"`
}

// deadLetterMessage wraps an undecodable entry for the dead-letter topic.
func deadLetterMessage(topic, id string, seq uint64, value []byte, cause error) Message {
	b, err := json.Marshal(DeadLetter{ID: id, Seq: seq, Error: cause.Error(), Value: value})
	if err != nil {
		// Strings and bytes always marshal; keep the id if they ever don't.
		b = fmt.Appendf(nil, `{"id":%q,"error":%q}`, id, err.Error())
	}
	return Message{Topic: topic, Payload: b}
}
