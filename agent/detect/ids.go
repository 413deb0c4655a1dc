package detect

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/tillwatch/tillwatch/drivers"
)

// idLen is the length of event and alert ids in hex digits (64 bits).
const idLen = 16

// EventID is the stable identity of an event: the first 16 hex digits of
// the SHA-256 of drivers.Marshal(ev). Equal events (same type, device, time
// and fields) have equal ids, whichever process decoded them. A nil event
// has the empty id.
//
// drivers.Marshal fails only for a time outside the years 0..9999; such an
// event is identified by its type, device and nanosecond time instead.
func EventID(ev drivers.Event) string {
	id, _ := appendEventID(nil, ev)
	return id
}

// appendEventID is EventID encoding the event in buf's memory; it returns
// the id and the buffer to use next time (the engine keeps one).
func appendEventID(buf []byte, ev drivers.Event) (string, []byte) {
	if ev == nil {
		return "", buf
	}
	b, err := drivers.AppendMarshal(buf[:0], ev)
	if err != nil {
		b = fmt.Appendf(buf[:0], "unmarshalable|%s|%s|%d", ev.EventType(), ev.Source(), ev.When().UnixNano())
	}
	sum := sha256.Sum256(b)
	var id [idLen]byte
	hex.Encode(id[:], sum[:idLen/2])
	return string(id[:]), b
}

// alertID derives an alert id from where and what it is about only: site,
// lane, kind, state (empty for the incident id) and the sorted ids of the
// evidence events. Never from a clock.
func alertID(site, lane, kind string, state State, evidence []string) string {
	ids := slices.Clone(evidence)
	slices.Sort(ids)
	h := sha256.New()
	for _, s := range append([]string{site, lane, kind, string(state)}, ids...) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:idLen]
}
