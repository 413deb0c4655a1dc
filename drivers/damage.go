package drivers

import "time"

// Damage is bytes a decoder saw damaged on the line: a frame that failed
// its check (CRC, LRC), a frame cut short or with broken framing, bytes
// skipped to find the next frame, an impossible command or stray control
// byte in a print stream. Whatever the bytes carried (a payment, a line of
// a receipt) may be missing or misread; the detector says so on the alerts
// whose evidence may sit in them. A noisy line gives many: a decoder
// reports them through a DamageReporter, at most one event per
// DamageEvery.
type Damage struct {
	Head
	// What is the first kind of damage since the previous event: "crc",
	// "lrc", "framing", "cut_short", "noise", "decode",
	// "impossible_command", "stray_control".
	What string `json:"what"`
	// Frames counts the damaged frames (or commands, or runs of bad bytes)
	// since the previous Damage event of the decoder, this one included.
	Frames int `json:"frames"`
	// Dir is the direction of the damaged bytes: "host" or "device".
	Dir string `json:"dir,omitempty"`
}

// EventType implements Event.
func (*Damage) EventType() string { return "damage" }

// DamageEvery is the shortest time between two Damage events of one
// decoder: a line that is damaged all the time (a wrong baud rate) costs
// the journal one event per DamageEvery, not one per frame.
const DamageEvery = 5 * time.Second

// DamageSource is a decoder that reports the damage it saw apart from the
// events it decoded: TakeDamage returns (and forgets) the Damage events
// made since the last call; the caller stamps their device. Damaged counts
// every damaged frame seen so far.
type DamageSource interface {
	TakeDamage() []Event
	Damaged() int64
}

// DamageReporter turns a decoder's damage into Damage events. The zero
// value is ready; it is not safe for concurrent use.
type DamageReporter struct {
	out     []Event   // events not taken yet
	last    time.Time // when the last event was given
	pending int       // damage noted since then, not yet in an event
	what    string    // the first kind of the pending damage
	dir     Direction
	at      time.Time // the last pending damage
	total   int64
}

// Note records one damaged frame (or command) seen at t. It makes an
// event at once unless the previous one is less than DamageEvery old; then
// the damage is counted in the next (see Flush).
func (r *DamageReporter) Note(t time.Time, dir Direction, what string) {
	r.total++
	if r.pending == 0 {
		r.what, r.dir = what, dir
	}
	r.pending++
	r.at = t
	if r.last.IsZero() || t.Sub(r.last) >= DamageEvery {
		r.emit(t)
	}
}

// Flush makes an event of the damage still pending once DamageEvery has
// passed since the last event, timed at the last of it. A decoder calls
// it from its own Flush.
func (r *DamageReporter) Flush(now time.Time) {
	if r.pending > 0 && now.Sub(r.last) >= DamageEvery {
		r.emit(r.at)
	}
}

func (r *DamageReporter) emit(t time.Time) {
	r.out = append(r.out, &Damage{Head: Head{Time: t}, What: r.what, Frames: r.pending, Dir: r.dir.String()})
	r.pending, r.last = 0, t
}

// Take returns the events made since the last Take.
func (r *DamageReporter) Take() []Event {
	out := r.out
	r.out = nil
	return out
}

// Total is how many damaged frames were noted so far.
func (r *DamageReporter) Total() int64 { return r.total }
