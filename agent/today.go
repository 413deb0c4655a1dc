package agent

import (
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
)

// dayReplay rebuilds, after a restart, what the status pages showed
// before it: the manager page's day (/today: incidents and money at risk
// since the lane's midnight, incidents per cashier) and the last receipts,
// payments and printer states. A second detector, fresh (no Resume: it
// reports everything it decides), is given the same journal events as the
// rebuild of the live one and advanced through its deadlines as the live
// agent's timer advances it, so it decides the alerts the lane decided,
// with the same ids and, to the timer's latency, the same detection times;
// those detected on the lane's current day are kept.
type dayReplay struct {
	lane   *lane.Lane
	loc    *time.Location
	day    string
	alerts []detect.Alert
	events []drivers.Event
}

// maxRestoredEvents bounds the journal events kept for the status pages
// (they show the last few of each kind).
const maxRestoredEvents = 200

// newDayReplay prepares the replay of the day of now in cfg's time zone.
func newDayReplay(cfg *configs.Config, now time.Time) (*dayReplay, error) {
	ln, err := lane.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("agent: today's alerts: %w", err)
	}
	loc := cfg.Location()
	return &dayReplay{lane: ln, loc: loc, day: now.In(loc).Format(time.DateOnly)}, nil
}

// observe takes one journaled event, after the decisions due before it.
func (d *dayReplay) observe(ev drivers.Event) {
	d.until(ev.When())
	d.keep(d.lane.Observe([]drivers.Event{ev}))
	switch ev.(type) {
	case *drivers.Receipt, *drivers.Payment, *drivers.PrinterStatus:
		if len(d.events) >= maxRestoredEvents {
			d.events = d.events[1:]
		}
		d.events = append(d.events, ev)
	}
}

// until decides everything due up to t, each decision at its deadline.
func (d *dayReplay) until(t time.Time) {
	for {
		at, ok := d.lane.NextDeadline()
		if !ok || at.After(t) {
			return
		}
		d.keep(d.lane.Advance(at))
	}
}

func (d *dayReplay) keep(alerts []detect.Alert) {
	for _, al := range alerts {
		if al.Detected.In(d.loc).Format(time.DateOnly) == d.day {
			d.alerts = append(d.alerts, al)
		}
	}
}
