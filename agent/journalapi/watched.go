package journalapi

import (
	"github.com/tillwatch/tillwatch/agent/journal"
)

// watched marks a summary whose day the agent did not watch from its
// start (journal.Began): Unwatched when it began after the day (it never
// ran that day: its zeros mean nothing), else Partial with WatchedFrom
// when it began within the day. A journal no agent ran on says nothing.
func (s *Summary) watched(j *journal.Journal) error {
	began, err := j.Began()
	if err != nil {
		return err
	}
	switch {
	case began.IsZero():
	case !began.Before(s.To):
		s.Unwatched, s.Partial = true, true
	case began.After(s.From):
		s.WatchedFrom, s.Partial = began.In(s.From.Location()), true
	}
	return nil
}
