package agent

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/rawlog"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
)

// Raw input durability.
//
// A decoder holds what it read until it can decide: a cut receipt for
// its drawer kick (2 s), a job until its cut, a terminal result until its
// slip. Bytes count only once they are durable: every step commits the
// raw input of the devices whose decoders still hold something
// (rawlog, card data masked) in the same synced write as the journal
// events of that step, and forgets a device's input once its decoder is
// settled. After a crash recoverInput feeds what was left to the fresh
// decoders before the detector is rebuilt, so the receipt a kill -9 caught
// in the decoder reaches the journal and its payment finds it.

// rawDevices says how each device's raw bytes are made safe to write:
// print streams are masked as text; a raster printer's images are
// written, from the first commit after they arrive, with the dots of
// every image not read yet blanked whole, and rewritten once read with
// only the card numbers blanked (escpos.RedactImages, reading the results
// the recognition worker handed to the lane's cache), so no unread image
// is ever written and a kill -9 loses only the dots of images being read;
// terminals go through their protocol's redactor (a fresh one: redactors
// keep stream state).
func rawDevices(ln *lane.Lane, devs []configs.Device) []rawlog.Device {
	var out []rawlog.Device
	reds := ln.Redactors()
	rasters := ln.Rasters()
	for _, d := range devs {
		rd := rawlog.Device{Name: d.Name}
		if r := rasters[d.Name]; r != nil {
			rd.Text = true
			rd.Images = func(stream []byte) []byte { return escpos.RedactImages(stream, r.Printer, r.Cache.Lookup) }
			rd.SyncGap = lane.IdleGap // the agent may start inside an image (rawlog.Device)
			rd.Polls = escpos.StatusPolls
		} else if d.Protocol == "escpos" {
			rd.Text = true
		} else if r := reds[d.Name]; r != nil {
			rd.Redactor = r
		}
		out = append(out, rd)
	}
	return out
}

// Raw input that decided nothing yet waits for the end of its burst
// before it is written: a receipt at 9600 baud arrives in a hundred reads
// over a second or two, and a synced write per read rewrote a page of the
// write-ahead log each time (tens of KB per checkout on an SD card). The
// step commits at once when it has events; otherwise when no input came
// for rawQuiet (the end of a burst: a cut receipt is durable within
// milliseconds), or rawMax after the first chunk not yet written. Deletes
// of settled input are written at once: records left on disk after their
// decoder settled would be re-decoded as an unfinished conversation.
const (
	rawQuiet = 20 * time.Millisecond
	rawMax   = time.Second
)

// commitStep makes a step durable: the raw input still needed and the
// step's events, in one synced write. Devices whose decoders settled give
// up their raw input in the same write. A step with input and no events
// may leave its raw input for a later step (see rawQuiet); quiet says no
// input came since the last step.
func (a *Agent) commitStep(evs []drivers.Event, now time.Time, quiet bool) error {
	for _, n := range a.lane.Names() {
		if a.lane.Settled(n) && !a.ras.holds(n) {
			a.raw.Settle(n)
		}
	}
	a.rawDue = time.Time{}
	if len(evs) == 0 && !quiet && a.raw.Unwritten() && !a.raw.Deleting() {
		if a.rawSince.IsZero() {
			a.rawSince = now
		}
		if due := a.rawSince.Add(rawMax); now.Before(due) {
			a.rawDue = now.Add(rawQuiet)
			if due.Before(a.rawDue) {
				a.rawDue = due
			}
			return nil
		}
	}
	a.rawSince = time.Time{}
	b := a.db.NewBatch()
	a.raw.Stage(b)
	if err := a.journal.AppendTo(b, evs...); err != nil {
		return fmt.Errorf("agent: journal: %w", err)
	}
	err := b.Commit()
	a.raw.Done(err)
	a.rawFailed = err != nil
	switch {
	case errors.Is(err, buffer.ErrDiskFull):
		// Detection goes on from memory; agent/outbox explains.
		a.out.DiskFull("journal", err)
	case err != nil:
		return fmt.Errorf("agent: journal: %w", err)
	}
	return nil
}

// recoverInput re-decodes the raw input a previous run left behind (it
// was killed while a decoder held something) and journals the events
// that were not journaled then. Events already in the journal are known
// by device, type and time (an event's time is that of the bytes that
// decided it, so re-decoding gives the same time).
func (a *Agent) recoverInput() error {
	pending, err := a.raw.Load()
	if err != nil || len(pending) == 0 {
		return err
	}
	var evs []drivers.Event
	chunks := 0
	for _, dev := range slices.Sorted(maps.Keys(pending)) {
		recs := pending[dev]
		for _, c := range recs {
			got, err := a.lane.Feed(dev, c)
			if err != nil {
				return fmt.Errorf("agent: recover input: %w", err)
			}
			evs = append(evs, got...)
			chunks++
		}
	}
	evs = append(evs, a.lane.Idle(a.opts.Now())...)
	a.markUnread(evs)
	fresh, err := a.unjournaled(evs)
	if err != nil {
		return err
	}
	if err := a.commitStep(fresh, a.opts.Now(), true); err != nil {
		return err
	}
	a.log.Info("input recovered after an unclean stop", "chunks", chunks, "events", len(evs), "new", len(fresh))
	return nil
}

// unjournaled returns the events of evs not in the journal yet: the k-th
// event of a device, type and time is new when the journal holds fewer
// than k such events.
func (a *Agent) unjournaled(evs []drivers.Event) ([]drivers.Event, error) {
	type id struct {
		dev, typ string
		at       int64
	}
	have := map[id]int{}
	seen := map[int64]bool{}
	var fresh []drivers.Event
	for _, ev := range evs {
		t := ev.When()
		if !seen[t.UnixNano()] {
			seen[t.UnixNano()] = true
			err := a.journal.Range(t, t.Add(time.Nanosecond), func(_ string, old drivers.Event) error {
				have[id{old.Source(), old.EventType(), t.UnixNano()}]++
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("agent: recover input: %w", err)
			}
		}
		k := id{ev.Source(), ev.EventType(), t.UnixNano()}
		if have[k] > 0 {
			have[k]--
			continue
		}
		fresh = append(fresh, ev)
	}
	return fresh, nil
}
