package fleet

import "time"

// clock is the shift's virtual time: it starts at ShiftStart when the run
// starts and runs speed times faster than the wall clock.
type clock struct {
	wall0 time.Time
	speed float64
}

func newClock(speed float64) *clock { return &clock{wall0: time.Now(), speed: speed} }

// now is the virtual time.
func (c *clock) now() time.Time {
	return ShiftStart.Add(time.Duration(float64(time.Since(c.wall0)) * c.speed))
}

// wall is how long the wall clock takes to let virtual time pass d.
func (c *clock) wall(d time.Duration) time.Duration {
	return time.Duration(float64(d) / c.speed)
}

// until is the wall time left until virtual time v (0 if it has passed).
func (c *clock) until(v time.Time) time.Duration {
	return max(c.wall(v.Sub(c.now())), 0)
}
