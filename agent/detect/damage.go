package detect

import (
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// A noisy tap line (a long Y-cable, an overrun USB-serial adapter) damages
// the agent's copy of the bytes while the register and the devices talk
// undisturbed. Decoders report what they saw damaged (drivers.Damage: a
// frame that failed its check, a frame cut short, an impossible command);
// a receipt whose own amounts disagree (its tenders minus change are not
// its amount due) counts as damage on its printer too, on a lane whose
// receipts normally agree. An alert whose evidence may sit in damaged
// bytes (the payment a receipt lacks, the receipt a payment lacks, the
// amount a receipt shows) says so in Alert.Damage and is a warning, not
// critical: the incident may not have happened. A sale and a receipt with
// damage between them on the line that would carry the missing half are
// not paired (see related).

// damageMerge joins damage of one device less than this apart into one
// span, so a line damaged all day keeps a few thousand spans at most.
const damageMerge = time.Minute

// damageSpan is damage seen on one device from..to.
type damageSpan struct {
	dev      string
	from, to time.Time
	what     string // the first kind seen
	frames   int
}

// addDamage records a decoder's damage report.
func (e *Engine) addDamage(v *drivers.Damage) {
	e.markDamage(v.Device, v.Time, v.Time, v.What, max(v.Frames, 1))
}

// markDamage adds damage on dev from..to, merged with a span of the same
// device less than damageMerge away.
func (e *Engine) markDamage(dev string, from, to time.Time, what string, frames int) {
	for _, s := range e.damage {
		if s.dev == dev && !from.After(s.to.Add(damageMerge)) && !to.Before(s.from.Add(-damageMerge)) {
			if from.Before(s.from) {
				s.from = from
			}
			if to.After(s.to) {
				s.to = to
			}
			s.frames += frames
			return
		}
	}
	e.damage = append(e.damage, &damageSpan{dev: dev, from: from, to: to, what: what, frames: frames})
}

// damagedDuring returns the first damage on a device of role (printer or
// terminal) that overlaps from..to.
func (e *Engine) damagedDuring(role string, from, to time.Time) (*damageSpan, bool) {
	var first *damageSpan
	for _, s := range e.damage {
		if e.role(s.dev) != role || s.to.Before(from) || s.from.After(to) {
			continue
		}
		if first == nil || s.from.Before(first.from) {
			first = s
		}
	}
	return first, first != nil
}

// trimDamage forgets damage older than cutoff.
func (e *Engine) trimDamage(cutoff time.Time) {
	n := 0
	for _, s := range e.damage {
		if !s.to.Before(cutoff) {
			e.damage[n] = s
			n++
		}
	}
	clear(e.damage[n:])
	e.damage = e.damage[:n]
}

// DamageEvidence is damage on the line that may hold an alert's evidence.
type DamageEvidence struct {
	Device string    `json:"device"`
	Role   string    `json:"role,omitempty"` // printer or terminal
	Time   time.Time `json:"time"`           // the first damaged bytes
	What   string    `json:"what"`           // e.g. crc, framing, amounts_disagree
	Frames int       `json:"frames"`         // damaged frames seen in the span
}

// lower makes an alert a warning because of damage on a device of role
// during from..to, if any, and reports whether it did: it adds the
// evidence and a sentence ending in clause ("the payment may be in it").
func (e *Engine) lower(a *Alert, role string, from, to time.Time, clause string) bool {
	if a.Damage != nil {
		return true
	}
	s, ok := e.damagedDuring(role, from, to)
	if !ok {
		return false
	}
	a.Severity = Warning
	a.Damage = &DamageEvidence{Device: s.dev, Role: role, Time: s.from, What: s.what, Frames: s.frames}
	switch {
	case s.what == amountsDisagree:
		a.Summary += " A receipt printed at " + clock(s.from) + " does not add up (damaged on the line?): " + clause + "."
	case s.what == unreadable:
		a.Summary += " A job printed at " + clock(s.from) + " could not be read (damaged on the line?): " + clause + "."
	case role == RoleTerminal:
		a.Summary += " A terminal frame at " + clock(s.from) + " failed its check: " + clause + "."
	default:
		a.Summary += " Printer data at " + clock(s.from) + " was damaged on the line: " + clause + "."
	}
	return true
}

// amountsDisagree is the damage kind of a receipt whose own amounts do not
// add up.
const amountsDisagree = "amounts_disagree"

// selfCheckKeep is how many recent receipts the lane's habit of printing
// receipts that add up is learnt from, selfCheckMin how many it takes,
// and selfCheckOff how many of them may disagree with themselves before
// the check is not trusted.
const (
	selfCheckKeep = 20
	selfCheckMin  = 10
	selfCheckOff  = 2
)

// selfCheck remembers whether the last receipts with amounts added up.
type selfCheck struct {
	bad  [selfCheckKeep]bool
	n    int
	next int
}

func (c *selfCheck) note(bad bool) {
	c.bad[c.next] = bad
	c.next = (c.next + 1) % selfCheckKeep
	c.n = min(c.n+1, selfCheckKeep)
}

// trusted reports whether the lane's receipts normally add up, so one that
// does not is a sign of damage.
func (c *selfCheck) trusted() bool {
	bad := 0
	for i := range c.n {
		if c.bad[i] {
			bad++
		}
	}
	return c.n >= selfCheckMin && bad < selfCheckOff
}

// addsUp reports whether a receipt's tenders minus its change are its
// amount due (or total); ok is false when it has no amount. A receipt with
// an amount and no tender line does not add up: on a lane whose receipts
// print their tenders, its tender line was lost (where they never do, the
// check turns itself off, see selfCheck).
func addsUp(v *drivers.Receipt) (agrees, ok bool) {
	owed := v.Due
	if owed == nil {
		owed = v.Total
	}
	if owed == nil || *owed == 0 {
		return false, false
	}
	var paid int64
	for _, t := range v.Tenders {
		paid += t.Amount
	}
	if v.Change != nil {
		paid -= *v.Change
	}
	return paid == *owed, true
}

// checkReceipt marks as damage on its printer a receipt that does not add
// up, on a lane whose receipts normally do, and a cut job in which the
// receipt profile found nothing at all (no number, amount or tender), on a
// lane whose jobs normally have some.
func (e *Engine) checkReceipt(v *drivers.Receipt, r *receipt) {
	if r.reprint || !r.cut || e.cfg.IgnoreDamage {
		return
	}
	found := r.money || v.Number != ""
	readable := e.readable.trusted()
	e.readable.note(!found)
	if !found {
		if readable {
			e.markDamage(r.dev, r.start, r.at, unreadable, 1)
		}
		return
	}
	agrees, ok := addsUp(v)
	if !ok {
		return
	}
	trusted := e.selfCheck.trusted()
	e.selfCheck.note(!agrees)
	if !agrees && trusted {
		e.markDamage(r.dev, r.start, r.at, amountsDisagree, 1)
	}
}

// unreadable is the damage kind of a job in which the receipt profile
// found nothing.
const unreadable = "unreadable"
