package journal

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
)

// ErrNotFound is returned (wrapped) by Get for an id not in the journal.
var ErrNotFound = buffer.ErrNotFound

// storeName is the buffer store holding the journal.
const storeName = "journal"

// Journal appends and reads events. It is safe for concurrent use.
type Journal struct {
	store *buffer.Store
	meta  *buffer.Store // facts about the journal (began.go)
}

// New returns the journal kept in db.
func New(db *buffer.DB) *Journal {
	return &Journal{store: db.Store(storeName), meta: db.Store(metaStoreName)}
}

// Append stores evs in one synced write (concurrent appends share an
// fsync) and returns each event's id, in order. A batch larger than one
// Badger transaction (about 1 MiB) is written in several parts, and an
// error may then leave the first parts stored.
func (j *Journal) Append(evs ...drivers.Event) ([]string, error) {
	if len(evs) == 0 {
		return nil, nil
	}
	kvs := make([]buffer.KV, len(evs))
	for i, ev := range evs {
		if ev == nil {
			return nil, fmt.Errorf("journal: append: event %d is nil", i)
		}
		b, err := drivers.Marshal(masked(ev))
		if err != nil {
			return nil, fmt.Errorf("journal: append: %w", err)
		}
		kvs[i] = buffer.KV{Key: timeKey(ev.When()), Value: b}
	}
	keys, err := j.store.PutSeq(kvs)
	if err != nil {
		return nil, fmt.Errorf("journal: append %d events: %w", len(evs), err)
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = hex.EncodeToString(k)
	}
	return ids, nil
}

// AppendTo adds evs to b, to be stored when b commits (with whatever else
// b holds, in one synced write). Event ids are b.Keys() after the commit,
// hex-encoded, in order, after the keys of earlier PutSeq writes in b.
func (j *Journal) AppendTo(b *buffer.Batch, evs ...drivers.Event) error {
	kvs := make([]buffer.KV, len(evs))
	for i, ev := range evs {
		if ev == nil {
			return fmt.Errorf("journal: append: event %d is nil", i)
		}
		v, err := drivers.Marshal(masked(ev))
		if err != nil {
			return fmt.Errorf("journal: append: %w", err)
		}
		kvs[i] = buffer.KV{Key: timeKey(ev.When()), Value: v}
	}
	b.PutSeq(j.store, kvs)
	return nil
}

// Range calls fn for every event with from <= When() < to, ascending by
// time and, for equal times, by append order. A zero to means no upper
// bound. An error from fn stops Range and is returned unchanged.
func (j *Journal) Range(from, to time.Time, fn func(id string, ev drivers.Event) error) error {
	var hi []byte
	if !to.IsZero() {
		hi = timeKey(to)
	}
	var fnErr error
	err := j.store.Scan(timeKey(from), hi, func(k, v []byte) error {
		id := hex.EncodeToString(k)
		ev, err := drivers.Unmarshal(v)
		if err != nil {
			return fmt.Errorf("journal: event %s: %w", id, err)
		}
		if err := fn(id, ev); err != nil {
			fnErr = err
			return err
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("journal: range: %w", err)
	}
	return nil
}

// Get returns the event with id; the error wraps ErrNotFound when there is
// none.
func (j *Journal) Get(id string) (drivers.Event, error) {
	k, err := parseID(id)
	if err != nil {
		return nil, err
	}
	v, err := j.store.Get(k)
	if err != nil {
		return nil, fmt.Errorf("journal: get %s: %w", id, err)
	}
	ev, err := drivers.Unmarshal(v)
	if err != nil {
		return nil, fmt.Errorf("journal: event %s: %w", id, err)
	}
	return ev, nil
}

// Prune deletes every event with When() before before and returns how many
// it deleted (retention).
func (j *Journal) Prune(before time.Time) (int, error) {
	n, err := j.store.DeleteRange(nil, timeKey(before))
	if err != nil {
		return n, fmt.Errorf("journal: prune before %s: %w", before.Format(time.RFC3339), err)
	}
	return n, nil
}

// Time returns the event time encoded in id (as stored: clamped to
// 1970..2262).
func Time(id string) (time.Time, error) {
	k, err := parseID(id)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))).UTC(), nil
}

// parseID turns an id back into its key.
func parseID(id string) ([]byte, error) {
	k, err := hex.DecodeString(id)
	if err != nil || len(k) != 16 {
		return nil, fmt.Errorf("journal: bad event id %q: want 32 hex digits", id)
	}
	return k, nil
}

// timeKey is the 8-byte big-endian time part of a key.
func timeKey(t time.Time) []byte {
	var n uint64
	switch {
	case t.Before(time.Unix(0, 0)):
		n = 0
	case t.After(time.Unix(0, math.MaxInt64)):
		n = math.MaxInt64
	default:
		n = uint64(t.UnixNano())
	}
	return binary.BigEndian.AppendUint64(nil, n)
}

// masked returns ev, or a copy of a payment whose card was not masked.
func masked(ev drivers.Event) drivers.Event {
	p, ok := ev.(*drivers.Payment)
	if !ok || p.Card == "" {
		return ev
	}
	if m := drivers.MaskPAN(p.Card); m != p.Card {
		cp := *p
		cp.Card = m
		return &cp
	}
	return ev
}

// Last returns the time of the newest event, or ErrNotFound when the
// journal is empty. A restart rebuilds detection from Last minus the
// detector's horizon, so a long power cut loses no pending decision.
func (j *Journal) Last() (time.Time, error) {
	k, err := j.store.LastKey()
	if err != nil {
		return time.Time{}, fmt.Errorf("journal: last: %w", err)
	}
	return Time(hex.EncodeToString(k))
}
