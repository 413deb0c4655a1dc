package uplink

import (
	"math/rand/v2"
	"time"
)

// backoff yields reconnect delays: exponential from min to max, each one
// drawn uniformly from [d/2, d] ("equal jitter") so that a fleet of lanes
// cut off by the same outage does not reconnect in lockstep.
type backoff struct {
	min, max time.Duration
	cur      time.Duration
	rand     func(n int64) int64 // [0, n)
}

func newBackoff(min, max time.Duration) *backoff {
	return &backoff{min: min, max: max, rand: rand.Int64N}
}

// next returns the delay before the next attempt and doubles the base.
func (b *backoff) next() time.Duration {
	if b.cur < b.min {
		b.cur = b.min
	}
	d := b.cur
	if b.cur < b.max {
		b.cur *= 2
		if b.cur > b.max || b.cur <= 0 {
			b.cur = b.max
		}
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + time.Duration(b.rand(int64(d-half)+1))
}

// reset starts again from min.
func (b *backoff) reset() { b.cur = 0 }
