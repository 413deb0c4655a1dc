package detect

import (
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/settings"
)

// Config holds the detector's windows and tolerances (ARCHITECTURE.md,
// "Detection semantics"). New replaces zero durations and an empty Settles
// with the defaults of DefaultConfig.
type Config struct {
	// Site and Lane say where alerts come from; both are part of every
	// alert id, so two lanes never share one.
	Site, Lane string
	// Settings are the windows and tolerances a config sets (its detect
	// section).
	Settings
	// StatusGrace: a printer fault reported less than this after a job
	// still fails that job. [3s]
	StatusGrace time.Duration
	// Roles maps device names to "printer" or "terminal", so that link
	// events say which side went away. A device missing here counts as a
	// terminal once it sent a payment or a settlement, as a printer once
	// it sent a receipt or a printer status.
	Roles map[string]string
	// Disable lists alert kinds whose rule does not run (e.g.
	// "printer_fault"). Every rule runs by default.
	Disable []string
	// IgnoreDamage decides as if the decoders had reported no damage and
	// every receipt added up (see damage.go): for comparison runs only.
	IgnoreDamage bool
}

// DefaultConfig returns the defaults of ARCHITECTURE.md.
func DefaultConfig() Config {
	return Config{Settings: settings.Default(), StatusGrace: 3 * time.Second}
}

// Validate reports the first value New would not take as given: negative
// durations or tolerance, or a rule name that does not exist.
func (c Config) Validate() error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"match_window", c.MatchWindow}, {"receipt_wait", c.ReceiptWait}, {"status_grace", c.StatusGrace},
		{"duplicate_window", c.DuplicateWindow}, {"clock_skew", c.ClockSkew}, {"settlement_window", c.SettlementWindow}} {
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
	for dev, role := range c.Roles {
		if role != RolePrinter && role != RoleTerminal {
			return fmt.Errorf("detect: device %q: role %q is neither %q nor %q", dev, role, RolePrinter, RoleTerminal)
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
	if c.DuplicateWindow <= 0 {
		c.DuplicateWindow = def.DuplicateWindow
	}
	if c.ClockSkew < 0 {
		c.ClockSkew = 0
	}
	if c.SettlementWindow <= 0 {
		c.SettlementWindow = def.SettlementWindow
	}
	if len(c.Settles) == 0 {
		c.Settles = def.Settles
	}
	c.Settles = append([]drivers.TenderKind(nil), c.Settles...)
	c.Disable = append([]string(nil), c.Disable...)
	roles := make(map[string]string, len(c.Roles))
	for k, v := range c.Roles {
		roles[k] = v
	}
	c.Roles = roles
	return c
}

// Device roles of Config.Roles.
const (
	RolePrinter  = "printer"
	RoleTerminal = "terminal"
)

// window is the match window widened by the clock skew.
func (c *Config) window() time.Duration { return c.MatchWindow + c.ClockSkew }

// wait is how long after approval a payment waits for its receipt.
func (c *Config) wait() time.Duration { return c.ReceiptWait + c.ClockSkew }

// lookback is how much history before an event a decision about it needs:
// its match window, and the window of whatever it competed with.
// A duplicate charge looks back DuplicateWindow from a payment's decision.
func (c *Config) lookback() time.Duration { return max(2*c.window(), c.DuplicateWindow) }

// maxDelay bounds the time from an alert's decisive event to its decision:
// a payment waits ReceiptWait (plus the skew), or until every receipt in
// its window is decided (at most two match windows later); a job waits
// StatusGrace.
func (c *Config) maxDelay() time.Duration {
	return max(c.wait(), 2*c.window()) + c.StatusGrace
}

// shortHorizon is how long detailed state (payments, receipts, printer
// history) is kept: the look-back of a decision plus its longest delay.
func (c *Config) shortHorizon() time.Duration { return c.lookback() + c.maxDelay() }

// settles reports whether the terminal settles tenders of kind k.
func (c *Config) settles(k drivers.TenderKind) bool {
	for _, s := range c.Settles {
		if s == k {
			return true
		}
	}
	return false
}
