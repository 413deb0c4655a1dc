package detect

import "time"

// NextDeadline returns when the earliest pending decision falls due (a
// match window closing, a receipt wait ending), so a caller can sleep
// until then instead of calling Advance on a ticker; false when nothing
// is pending.
func (e *Engine) NextDeadline() (time.Time, bool) {
	d, ok := e.nextDue()
	return d.at, ok
}
