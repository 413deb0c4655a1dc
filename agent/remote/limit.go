package remote

import (
	"sync"
	"time"
)

// limiter is a token bucket: rate tokens per second, up to burst.
type limiter struct {
	rate  float64
	burst float64

	mu      sync.Mutex
	tokens  float64
	last    time.Time
	dropped uint64    // since the last report
	logged  time.Time // last report
}

// logEvery is how often drops are reported.
const logEvery = 10 * time.Second

func newLimiter(rate float64, burst int, now time.Time) *limiter {
	return &limiter{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

// take spends a token. When none is left it returns ok false and, at most
// every logEvery, the number dropped since the last report (else 0).
func (l *limiter) take(now time.Time) (dropped uint64, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if d := now.Sub(l.last); d > 0 {
		l.tokens = min(l.burst, l.tokens+d.Seconds()*l.rate)
		l.last = now
	}
	if l.tokens >= 1 {
		l.tokens--
		return 0, true
	}
	l.dropped++
	if now.Sub(l.logged) < logEvery {
		return 0, false
	}
	dropped, l.dropped, l.logged = l.dropped, 0, now
	return dropped, false
}
