package agent

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/links"
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

// Raw input and disk writes.
//
// Every synced commit costs at least one page of Badger's write-ahead log
// (4 KiB, more where it crosses a page) on the SD card, so a checkout
// makes as few as it can (issue 15: <= 20 KB written per checkout):
//
//   - Raw input that decided nothing yet waits for the end of its burst
//     (rawQuiet without input from any device, or rawMax after its first
//     chunk not yet written): a receipt at 9600 baud arrives in a hundred
//     reads over a second or two.
//   - Raw input alone is written lazily (buffer.Batch.CommitLazy): into
//     Badger's memory-mapped log at once, so a kill -9 loses none of it
//     (the kernel's page cache holds it), and forced to disk with the next
//     synced commit, or rawSync after the first lazy write at the latest.
//     A power cut may thus lose the raw input of a conversation in
//     progress that arrived up to rawMax + rawSync (about 2 s) before it
//     (rawMax waiting to be written, then rawSync to be synced), never a journaled event, a settle or an
//     alert: everything else is written synced, and a synced commit makes
//     every lazy write before it durable too.
//   - Events decided in a burst still arriving are held until it ends
//     (rawQuiet, at most rawHold after the first), so that the decoder
//     that decided them can settle (a terminal's result is followed by the
//     register's acknowledgement) and its records are deleted in the same
//     synced batch as the events: atomic, one commit. While events are
//     held the raw input behind them is written lazily at once without
//     deletes, so a kill -9 then leaves both the input and no journal
//     entry, and recovery decodes the events again. Held events are not
//     shown to the detector, the status view or the video feeds before
//     they are durable.
//   - Deletes of settled input are otherwise written at once, synced:
//     records left on disk after their decoder settled would be re-decoded
//     as an unfinished conversation (the next sale then read as part of
//     it).
const (
	rawQuiet = 50 * time.Millisecond
	rawMax   = time.Second
	rawHold  = 100 * time.Millisecond
	rawSync  = time.Second
)

// held is what steps decoded and the agent has not journaled yet (see
// rawHold); it is acknowledged (detector, view, feeds, stats) once durable.
type held struct {
	evs    []drivers.Event
	bs     []batch       // the events of each input with its time, for the detector
	noted  []links.Input // link events noted once the view has them
	chunks int
	bytes  int
}

// rawWake is when the core must go round for the raw input log: to write
// a burst that ended, to journal held events, to sync lazy writes.
func (a *Agent) rawWake() (time.Time, bool) {
	at := a.rawDue
	if !a.syncDue.IsZero() && (at.IsZero() || a.syncDue.Before(at)) {
		at = a.syncDue
	}
	return at, !at.IsZero()
}

// commitStep makes the held events durable, with the raw input still
// needed, in one synced write; devices whose decoders settled give up
// their raw input in the same write. It may hold the events a little
// longer, or leave raw input with no events for a later step (see
// above); quiet says no input came since the last step. It reports
// whether the held events were written (or could not be for want of
// disk space: detection goes on from memory) and may be acknowledged.
func (a *Agent) commitStep(now time.Time, quiet bool) (bool, error) {
	if !a.syncDue.IsZero() && !now.Before(a.syncDue) {
		if err := a.db.Sync(); err != nil {
			return false, fmt.Errorf("agent: raw input: %w", err)
		}
		a.syncDue = time.Time{}
	}
	a.rawDue = time.Time{}
	evs := a.held.evs
	if len(evs) > 0 && !quiet {
		if a.heldSince.IsZero() {
			a.heldSince = now
			if err := a.writeRaw(now); err != nil {
				return false, err
			}
		}
		if due := a.heldSince.Add(rawHold); now.Before(due) {
			a.rawDue = earliest(now.Add(rawQuiet), due)
			return false, nil
		}
	}
	a.heldSince = time.Time{}
	for _, n := range a.lane.Names() {
		if a.lane.Settled(n) && !a.ras.holds(n) {
			a.raw.Settle(n)
		}
	}
	if len(evs) == 0 && !quiet && a.raw.Unwritten() && !a.raw.Deleting() {
		if a.rawSince.IsZero() {
			a.rawSince = now
		}
		if due := a.rawSince.Add(rawMax); now.Before(due) {
			a.rawDue = earliest(now.Add(rawQuiet), due)
			return true, nil
		}
	}
	a.rawSince = time.Time{}
	b := a.db.NewBatch()
	a.raw.Stage(b)
	if err := a.journal.AppendTo(b, evs...); err != nil {
		return false, fmt.Errorf("agent: journal: %w", err)
	}
	lazy := len(evs) == 0 && !a.raw.Deleting()
	var err error
	if lazy {
		err = b.CommitLazy()
	} else {
		err = b.Commit()
	}
	a.raw.Done(err)
	a.rawFailed = err != nil
	switch {
	case errors.Is(err, buffer.ErrDiskFull):
		// Detection goes on from memory; agent/outbox explains.
		a.out.DiskFull("journal", err)
	case err != nil:
		return false, fmt.Errorf("agent: journal: %w", err)
	case b.Len() == 0:
	case lazy && a.syncDue.IsZero():
		a.syncDue = now.Add(rawSync)
	case !lazy:
		a.syncDue = time.Time{} // the synced commit made the lazy ones durable
	}
	return true, nil
}

// writeRaw writes, lazily and without deletes, the raw input not written
// yet: the input behind events about to be held.
func (a *Agent) writeRaw(now time.Time) error {
	if !a.raw.Unwritten() {
		return nil
	}
	b := a.db.NewBatch()
	a.raw.StagePuts(b)
	err := b.CommitLazy()
	a.raw.Done(err)
	switch {
	case errors.Is(err, buffer.ErrDiskFull):
		a.rawFailed = true
		a.out.DiskFull("journal", err)
	case err != nil:
		return fmt.Errorf("agent: raw input: %w", err)
	case b.Len() > 0 && a.syncDue.IsZero():
		a.syncDue = now.Add(rawSync)
	}
	return nil
}

func earliest(x, y time.Time) time.Time {
	if y.Before(x) {
		return y
	}
	return x
}

// finalCommit journals what is held and syncs every lazy write: a clean
// stop.
func (a *Agent) finalCommit() error {
	if _, err := a.commitStep(a.opts.Now(), true); err != nil {
		return err
	}
	if err := a.db.Sync(); err != nil {
		return fmt.Errorf("agent: raw input: %w", err)
	}
	a.syncDue = time.Time{}
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
	// Journaled only: rebuild replays the journal through the detector.
	a.held = held{evs: fresh}
	_, err = a.commitStep(a.opts.Now(), true)
	a.held = held{}
	if err != nil {
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
