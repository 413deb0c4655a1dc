package journal

import (
	"errors"
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
)

// metaStoreName is the buffer store of facts about the journal; its keys
// are names, so they never mix with the journal's time keys.
const metaStoreName = "journal-meta"

var keyBegan = []byte("began")

// errStop ends a Range at its first event.
var errStop = errors.New("journal: stop")

// Begin records that the agent watches the lane from t on, unless the
// journal already knows when it began: the agent's first start. A journal
// kept before this was recorded began with its oldest event, if older.
// Retention never moves it, so a day before it was not watched, even when
// pruning left the journal's first event later.
func (j *Journal) Begin(t time.Time) error {
	if _, err := j.meta.Get(keyBegan); err == nil || !errors.Is(err, buffer.ErrNotFound) {
		return err
	}
	err := j.Range(time.Time{}, t, func(id string, _ drivers.Event) error {
		first, err := Time(id)
		if err == nil && first.Before(t) {
			t = first
		}
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		return fmt.Errorf("journal: begin: %w", err)
	}
	b, err := t.UTC().MarshalBinary()
	if err != nil {
		return fmt.Errorf("journal: begin: %w", err)
	}
	if err := j.meta.Put(keyBegan, b); err != nil {
		return fmt.Errorf("journal: begin: %w", err)
	}
	return nil
}

// Began returns when the agent began watching (Begin), or the zero time
// when no agent ever ran on this journal.
func (j *Journal) Began() (time.Time, error) {
	b, err := j.meta.Get(keyBegan)
	if errors.Is(err, buffer.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("journal: began: %w", err)
	}
	var t time.Time
	if err := t.UnmarshalBinary(b); err != nil {
		return time.Time{}, fmt.Errorf("journal: began: %w", err)
	}
	return t, nil
}
