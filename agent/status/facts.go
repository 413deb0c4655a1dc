package status

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
)

// Facts are the slow facts of a lane's machine: whether the clock is
// synchronised, damaged databases moved aside (a directory read) and the
// free space of the data directory (a statfs).
type Facts struct {
	Clock     HealthClock       `json:"clock"`
	Recovered []buffer.Recovery `json:"recovered,omitempty"`
	// FreeBytes is the free space of the data directory (-1 unknown).
	FreeBytes int64 `json:"free_bytes"`
	// At is when they were read (zero: never yet).
	At time.Time `json:"at,omitzero"`
}

// UnknownFacts are the facts before the first reading.
func UnknownFacts() Facts {
	return Facts{Clock: HealthClock{Source: "unknown"}, FreeBytes: -1}
}

// Sampler reads the slow facts on a ticker, so that neither a page view
// nor the uplink's health message (built in its drain loop) ever waits
// for them: Facts returns the last reading at once.
type Sampler struct {
	read  func(context.Context) Facts
	every time.Duration

	mu    sync.Mutex
	facts Facts
}

// NewSampler returns a sampler that calls read every interval once Run
// runs; until the first reading, Facts returns initial.
func NewSampler(read func(context.Context) Facts, every time.Duration, initial Facts) *Sampler {
	return &Sampler{read: read, every: every, facts: initial}
}

// Facts returns the last reading.
func (s *Sampler) Facts() Facts {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.facts
	f.Recovered = slices.Clone(f.Recovered)
	return f
}

// Run reads the facts at once and then every interval until ctx is done.
func (s *Sampler) Run(ctx context.Context) error {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		f := s.read(ctx) // slow: outside the lock
		s.mu.Lock()
		s.facts = f
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
