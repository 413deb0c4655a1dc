package fleet

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/outbox"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/agent/uplink"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
)

// lane is one simulated lane: its shift, a detector, an outbox and an
// uplink, as the agent wires them.
type lane struct {
	site   string
	name   string
	topics topic.Lane
	events []drivers.Event
	engine *detect.Engine
	outbox *buffer.Queue
	out    *outbox.Writer // the agent's writer of outbox
	up     *uplink.Uplink
	led    *Ledger
}

// newLane builds lane i of cfg on db, connecting to broker.
func newLane(cfg Config, i int, broker string, db *buffer.DB, led *Ledger) *lane {
	site, name := LaneName(i, cfg.LanesPerSite)
	topics := topic.New("", site, name)
	q := db.Queue("outbox-" + site + "-" + name)
	up := uplink.New(uplink.Config{
		Broker:      broker,
		ClientID:    "tillwatch-" + site + "-" + name,
		StatusTopic: topics.Status(), DeadLetterTopic: topics.DeadLetter(),
		StatusExtra: map[string]any{"site": site, "lane": name, "version": "fleet"},
		// The agent's own settings (agent/mqtt.go).
		KeepAlive: 30 * time.Second, ConnectTimeout: 10 * time.Second,
		BackoffMin: 500 * time.Millisecond, BackoffMax: 30 * time.Second,
		Inflight: cfg.Inflight,
	}, q, nil)
	return &lane{
		site:   site,
		name:   name,
		topics: topics,
		events: Shift(cfg, i),
		engine: detect.New(detect.Config{Site: site, Lane: name}),
		outbox: q,
		out:    outbox.New(q, outbox.Options{Topics: topics, Log: slog.New(slog.DiscardHandler)}),
		up:     up,
		led:    led,
	}
}

// feed plays the shift on the virtual clock: every tick it observes the
// events that fell due and advances the engine; after end (and the last
// event) it flushes the engine's pending windows and returns. Every alert
// goes to the outbox before feed moves on.
func (l *lane) feed(ctx context.Context, clk *clock, tick time.Duration, end time.Time) error {
	if n := len(l.events); n > 0 && l.events[n-1].When().After(end) {
		end = l.events[n-1].When()
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	next := 0
	for {
		now := clk.now()
		for next < len(l.events) && !l.events[next].When().After(now) {
			if err := l.enqueue(l.engine.Observe(l.events[next])); err != nil {
				return err
			}
			next++
		}
		if now.After(end) {
			if err := l.enqueue(l.engine.Advance(now)); err != nil {
				return err
			}
			return l.enqueue(l.engine.Flush())
		}
		if err := l.enqueue(l.engine.Advance(now)); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// enqueue stores each alert through the agent's outbox writer (its
// severity's class, once per id), and in the ledger.
func (l *lane) enqueue(alerts []detect.Alert) error {
	for _, al := range alerts {
		msg, err := outbox.AlertMessage(l.topics, al)
		if err != nil {
			return fmt.Errorf("fleet: %w", err)
		}
		at := time.Now()
		added, err := l.out.Put(al.ID, outbox.Class(al.Severity), msg)
		if err != nil {
			return fmt.Errorf("fleet: %s/%s: %w", l.site, l.name, err)
		}
		if added {
			l.led.Sent(al.ID, al.Kind, msg.Topic, msg.Payload, at)
		}
	}
	return nil
}
