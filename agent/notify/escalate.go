package notify

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/buffer"
)

// Escalation re-sends a warning that is still not resolved After its
// detection as a critical alert, into To: another channel's queue (the
// manager's phone) or this channel's own, where a critical alert goes
// through quiet hours. Only kinds that are resolved when they clear are
// watched (printer_fault, device_offline): any other warning is a decided
// fact that no later message resolves.
//
// The warnings waiting are kept in Watch, durably, one entry per incident:
// a restart forgets none, and an incident resolved (or escalated) is
// remembered as done, so a warning read again is not watched again.
type Escalation struct {
	After time.Duration
	Watch Watch
	To    Putter
}

// Watch is the durable store of the warnings an Escalation waits on; a
// buffer.Queue is one.
type Watch interface {
	Putter
	Pending(limit int) ([]buffer.Item, error)
	DoneAll(ids []string) error
}

// Putter stores a value under an id once; a buffer.Queue is one.
type Putter interface {
	Put(id string, class buffer.Class, value []byte) (bool, error)
}

// EscalatedSuffix ends the id of an escalated copy of an alert (alert id
// + suffix), so a channel delivers it once and apart from the warning.
const EscalatedSuffix = "-escalated"

// escalates reports whether a kind is resolved when it clears.
func escalates(kind string) bool {
	return kind == detect.KindPrinterFault || kind == detect.KindDeviceOffline
}

// note records what one round of a sink read: the raised warnings the
// channel takes (taken) start waiting, resolved alerts end the wait of
// their incident whatever the channel's filter says.
func (x *Escalation) note(als []detect.Alert, taken []bool) error {
	if x == nil {
		return nil
	}
	var resolved []string
	for i, al := range als {
		switch {
		case al.State == detect.Resolved && al.Incident != "":
			resolved = append(resolved, al.Incident)
		case taken[i] && al.State == detect.Raised && al.Severity == detect.Warning && escalates(al.Kind) && al.Incident != "":
			b, err := json.Marshal(al)
			if err != nil {
				return fmt.Errorf("notify: escalation: encode %s: %w", al.ID, err)
			}
			if _, err := x.Watch.Put(al.Incident, buffer.ClassWarning, b); err != nil {
				return fmt.Errorf("notify: escalation: watch %s: %w", al.ID, err)
			}
		}
	}
	if len(resolved) == 0 {
		return nil
	}
	if err := x.Watch.DoneAll(resolved); err != nil {
		return fmt.Errorf("notify: escalation: %w", err)
	}
	return nil
}

// fire sends the escalations due at now (a critical copy into To, then the
// wait ends) and returns when to look again: now when it sent one (To may
// be the sink's own queue), else when the next falls due (zero: none
// waits). An unreadable entry is logged to log and dropped.
func (x *Escalation) fire(now time.Time, lang words.Lang, log *slog.Logger) (time.Time, error) {
	if x == nil {
		return time.Time{}, nil
	}
	items, err := x.Watch.Pending(maxBatch)
	if err != nil {
		return now.Add(backoffMin), fmt.Errorf("notify: escalation: read: %w", err)
	}
	var next time.Time
	var done []string
	for _, it := range items {
		var al detect.Alert
		if err := json.Unmarshal(it.Value, &al); err != nil {
			// Unreadable: nothing to escalate; said, so a damaged store shows.
			log.Warn("notify: escalation: unreadable warning dropped", "incident", it.ID, "error", err)
			done = append(done, it.ID)
			continue
		}
		due := al.Detected.Add(x.After)
		if due.After(now) {
			if next.IsZero() || due.Before(next) {
				next = due
			}
			continue
		}
		b, err := json.Marshal(escalated(al, x.After, lang))
		if err != nil {
			return now.Add(backoffMin), fmt.Errorf("notify: escalation: encode %s: %w", al.ID, err)
		}
		if _, err := x.To.Put(al.ID+EscalatedSuffix, buffer.ClassCritical, b); err != nil {
			return now.Add(backoffMin), fmt.Errorf("notify: escalation: send %s: %w", al.ID, err)
		}
		done = append(done, it.ID)
	}
	if len(done) > 0 {
		if err := x.Watch.DoneAll(done); err != nil {
			return now.Add(backoffMin), fmt.Errorf("notify: escalation: %w", err)
		}
		return now, nil
	}
	return next, nil
}

// escalated is the critical copy of a warning not resolved after d.
func escalated(al detect.Alert, d time.Duration, lang words.Lang) detect.Alert {
	al.ID += EscalatedSuffix
	al.Severity = detect.Critical
	head := strings.ReplaceAll(words.Label(words.LEscalated, lang), "{min}", strconv.Itoa(int(d.Minutes())))
	al.Summary = head + al.Summary
	return al
}

// earliest is the earlier of two wake times, zero meaning none.
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}
