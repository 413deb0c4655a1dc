package uplink

import (
	"log/slog"
	"time"
)

// warnEvery is how often a broker that stays unreachable is logged again
// at WARN; the attempts in between are DEBUG, so a week-long outage does
// not fill the log (or the SD card) with one line per retry.
const warnEvery = 5 * time.Minute

// unreachable tracks the broker being out of reach for the log. Only the
// goroutine of Run uses it.
type unreachable struct {
	every    time.Duration
	attempts int       // failed attempts since the last connection
	since    time.Time // first failure of this run of failures
	warned   time.Time // last WARN
}

// failed logs one failed connection (or lost one): the first at WARN with
// its cause, then at most one WARN per every with the count, else DEBUG.
func (d *unreachable) failed(log *slog.Logger, err error, retryIn time.Duration, now time.Time) {
	d.attempts++
	switch {
	case d.attempts == 1:
		d.since, d.warned = now, now
		log.Warn("uplink: cannot reach the broker; alerts wait in the outbox", "error", err, "retry_in", retryIn.Round(time.Millisecond))
	case now.Sub(d.warned) >= d.every:
		d.warned = now
		log.Warn("uplink: broker still unreachable; alerts wait in the outbox", "error", err,
			"since", d.since.Format(time.RFC3339), "attempts", d.attempts)
	default:
		log.Debug("uplink: reconnecting", "in", retryIn.Round(time.Millisecond), "error", err, "attempts", d.attempts)
	}
}

// connected logs the end of a run of failures.
func (d *unreachable) connected(log *slog.Logger, now time.Time) {
	if d.attempts > 0 {
		log.Info("uplink: broker reachable again", "unreachable_for", now.Sub(d.since).Round(time.Second), "attempts", d.attempts)
	}
	d.attempts = 0
}
