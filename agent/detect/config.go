package detect

import (
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Config holds the detector's windows and tolerances (ARCHITECTURE.md,
// "Detection semantics"). New replaces zero durations and an empty Settles
// with the defaults of DefaultConfig.
type Config struct {
	// Site and Lane say where alerts come from; both are part of every
	// alert id, so two lanes never share one.
	Site, Lane string
	// MatchWindow is how far apart, in either order, an approved sale and
	// its receipt may be. [120s]
	MatchWindow time.Duration
	// ReceiptWait is how long after approval a sale may wait for its
	// receipt before payment_without_receipt. [90s]
	ReceiptWait time.Duration
	// StatusGrace: a printer fault reported less than this after a job
	// still fails that job. [3s]
	StatusGrace time.Duration
	// AmountTolerance is the largest difference, in minor units, that
	// still counts as equal. [0]
	AmountTolerance int64
	// Settles lists the tender kinds the lane's terminal settles. [card]
	Settles []drivers.TenderKind
	// Disable lists alert kinds whose rule does not run (e.g.
	// "printer_fault"). Every rule runs by default.
	Disable []string
}

// DefaultConfig returns the defaults of ARCHITECTURE.md.
func DefaultConfig() Config {
	return Config{
		MatchWindow: 120 * time.Second,
		ReceiptWait: 90 * time.Second,
		StatusGrace: 3 * time.Second,
		Settles:     []drivers.TenderKind{drivers.TenderCard},
	}
}

// Validate reports the first value New would not take as given: negative
// durations or tolerance, or a rule name that does not exist.
func (c Config) Validate() error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"match_window", c.MatchWindow}, {"receipt_wait", c.ReceiptWait}, {"status_grace", c.StatusGrace}} {
		if d.v < 0 {
			return fmt.Errorf("detect: %s %v is negative", d.name, d.v)
		}
	}
	if c.AmountTolerance < 0 {
		return fmt.Errorf("detect: amount_tolerance %d is negative", c.AmountTolerance)
	}
	for _, k := range c.Disable {
		if !knownRule(k) {
			return fmt.Errorf("detect: disable: no rule %q", k)
		}
	}
	return nil
}

// normalized fills defaults in one place.
func (c Config) normalized() Config {
	def := DefaultConfig()
	if c.MatchWindow <= 0 {
		c.MatchWindow = def.MatchWindow
	}
	if c.ReceiptWait <= 0 {
		c.ReceiptWait = def.ReceiptWait
	}
	if c.StatusGrace <= 0 {
		c.StatusGrace = def.StatusGrace
	}
	if c.AmountTolerance < 0 {
		c.AmountTolerance = 0
	}
	if len(c.Settles) == 0 {
		c.Settles = def.Settles
	}
	c.Settles = append([]drivers.TenderKind(nil), c.Settles...)
	c.Disable = append([]string(nil), c.Disable...)
	return c
}

// lookback is how much history before an event a decision about it needs:
// its match window, and the window of whatever it competed with.
func (c Config) lookback() time.Duration { return 2 * c.MatchWindow }

// maxDelay bounds the time from an alert's decisive event to its decision:
// a payment waits ReceiptWait, or until every receipt in its window is
// decided (at most two match windows later); a job waits StatusGrace.
func (c Config) maxDelay() time.Duration {
	return max(c.ReceiptWait, 2*c.MatchWindow) + c.StatusGrace
}

// settles reports whether the terminal settles tenders of kind k.
func (c Config) settles(k drivers.TenderKind) bool {
	for _, s := range c.Settles {
		if s == k {
			return true
		}
	}
	return false
}
