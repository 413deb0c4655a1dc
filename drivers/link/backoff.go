package link

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff is the reopen delay of a failed line: Min at first, doubling on
// every failed attempt up to Max, each delay jittered by ±20% so lanes that
// lost power together do not retry in step. Zero fields default to 100ms
// and 5s.
type Backoff struct {
	Min time.Duration `yaml:"min,omitempty" json:"min,omitempty"`
	Max time.Duration `yaml:"max,omitempty" json:"max,omitempty"`
}

// WithDefaults fills zero fields and makes Max at least Min.
func (b Backoff) WithDefaults() Backoff {
	if b.Min <= 0 {
		b.Min = 100 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 5 * time.Second
	}
	if b.Max < b.Min {
		b.Max = b.Min
	}
	return b
}

// retrier walks a Backoff. It is owned by one line goroutine.
type retrier struct {
	b    Backoff
	next time.Duration
}

func newRetrier(b Backoff) *retrier {
	b = b.WithDefaults()
	return &retrier{b: b, next: b.Min}
}

// reset starts again from Min (after a line stayed up).
func (r *retrier) reset() { r.next = r.b.Min }

// delay returns the next jittered delay and doubles the base.
func (r *retrier) delay() time.Duration {
	d := r.next
	r.next = min(2*r.next, r.b.Max)
	j := time.Duration(rand.Int64N(int64(d)/5*2+1)) - d/5 // [-20%, +20%]
	return d + j
}

// wait sleeps the next delay; false when ctx ended first.
func (r *retrier) wait(ctx context.Context) bool {
	t := time.NewTimer(r.delay())
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
