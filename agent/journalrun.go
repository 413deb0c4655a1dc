package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/agent/journalapi"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/links"
	"github.com/tillwatch/tillwatch/agent/status"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/link"
)

// Journal upkeep defaults.
const (
	// DefaultSummaryAt is when, after midnight local time, the previous
	// day's settlement summary is published (summary.at "00:05").
	DefaultSummaryAt = 5 * time.Minute
	// reprintQuiet is how long the register must have been silent before
	// a copy goes to the printer; reprintWait bounds the wait for it.
	reprintQuiet = 500 * time.Millisecond
	reprintWait  = 10 * time.Second
)

// journalRun is the journal's part of a running agent: reprint injectors
// per bridged device, the API and the daily upkeep.
type journalRun struct {
	a         *Agent
	injectors map[string]*link.Injector // device name -> injector (bridges only)
	loc       *time.Location
	retention time.Duration
	summaryAt time.Duration // after local midnight
	summaryOn bool          // the daily summary is published (summary.at set)
}

// newJournalRun prepares injectors for every bridged device and mounts
// the journal API on srv (when the listener is on).
func (a *Agent) newJournalRun(srv *status.Server) *journalRun {
	jr := &journalRun{a: a, injectors: map[string]*link.Injector{}, loc: a.cfg.Location(),
		retention: a.cfg.Journal.Retention, summaryAt: DefaultSummaryAt, summaryOn: a.cfg.Summary.At != ""}
	if at, err := a.cfg.Summary.Offset(); err == nil && jr.summaryOn {
		jr.summaryAt = at // validated at load
	}
	for _, d := range a.cfg.Devices {
		if d.Link.CanWrite() {
			jr.injectors[d.Name] = &link.Injector{}
		}
	}
	if srv != nil {
		dc := lane.DetectConfig(a.cfg)
		h := &journalapi.Handler{
			Journal: a.journal, Currency: a.cfg.Currency(), Location: jr.loc, Site: a.cfg.Site, Lane: a.cfg.Lane, Detect: &dc,
			Reprint: jr.reprint, Publish: jr.publish, Log: a.log.With("part", "journal api"), Now: a.opts.Now,
		}
		srv.Mount(h.Register)
	}
	return jr
}

// inject gives a bridge runner its device's injector.
func (jr *journalRun) inject(d configs.Device, r links.Runner) links.Runner {
	in := jr.injectors[d.Name]
	switch l := r.(type) {
	case *link.Bridge:
		l.Inject = in
	case *link.TCPBridge:
		l.Inject = in
	case *link.USBLP:
		l.Inject = in
	case *link.USBGadget:
		l.Inject = in
	case *link.Spool:
		l.Inject = in
	}
	return r
}

// reprint sends a copy of rc to the printer it came from (or the lane's
// only printer).
func (jr *journalRun) reprint(ctx context.Context, id string, rc *drivers.Receipt) error {
	d, err := jr.printerFor(rc.Device)
	if err != nil {
		return err
	}
	in := jr.injectors[d.Name]
	if in == nil {
		return fmt.Errorf("agent: %w: printer %s is on a tap (a read-only Y-cable): the agent cannot write to it; reprint from the register, or wire it as a bridge", journalapi.ErrCannotReprint, d.Name)
	}
	printer, err := escpos.PrinterByName(d.Printer)
	if err != nil {
		return fmt.Errorf("agent: reprint %s: %w", id, err)
	}
	// The printer as the lane's decoder reads it (profile, code page,
	// Chinese mode), so the copy decodes back to the journal's lines.
	enc, err := escpos.NewEncoder(escpos.Options{Printer: printer, CodePage: d.CodePage, ChineseDefault: d.ChineseDefault})
	if err != nil {
		return fmt.Errorf("agent: reprint %s: %w", id, err)
	}
	job := journalapi.Copy(rc, enc)
	ctx, cancel := context.WithTimeout(ctx, reprintWait)
	defer cancel()
	err = in.Inject(ctx, job, reprintQuiet)
	if errors.Is(err, link.ErrHostSending) {
		return fmt.Errorf("agent: %w: the register kept printing for %s; try again: %w", journalapi.ErrPrinterBusy, reprintWait, err)
	}
	if err != nil {
		return fmt.Errorf("agent: reprint %s on %s: %w", id, d.Name, err)
	}
	jr.a.log.Info("receipt reprinted", "id", id, "number", rc.Number, "printer", d.Name, "bytes", len(job))
	return nil
}

func (jr *journalRun) printerFor(dev string) (configs.Device, error) {
	var printers []configs.Device
	for _, d := range jr.a.cfg.Devices {
		if d.Role != configs.RolePrinter {
			continue
		}
		if d.Name == dev {
			return d, nil
		}
		printers = append(printers, d)
	}
	if len(printers) == 1 {
		return printers[0], nil
	}
	return configs.Device{}, fmt.Errorf("agent: %w: no printer %q in the config", journalapi.ErrCannotReprint, dev)
}

// publish queues a summary on .../settlement through the outbox (QoS 1).
// A finished day's summary has an id from lane and day, so it goes out
// once; a summary of the day still running is marked partial and gets an
// id of its own.
func (jr *journalRun) publish(s *journalapi.Summary) error {
	if now := jr.a.opts.Now(); now.Before(s.To) {
		s.Partial, s.Until = true, now.In(s.From.Location())
		s.ID = journalapi.SummaryID(s.Site, s.Lane, s.Day+" partial "+now.UTC().Format(time.RFC3339Nano))
	}
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("agent: encode settlement summary: %w", err)
	}
	added, err := jr.a.out.Settlement(s.ID, b)
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	if added {
		jr.a.log.Info("settlement summary queued", "day", s.Day, "id", s.ID, "receipts", s.Receipts.Count, "card_sales", s.Sales.Count, "partial", s.Partial)
	}
	return nil
}

// upkeep prunes the journal daily and publishes the previous day's
// summary shortly after local midnight, until ctx is done. At start it
// does both at once (a summary already published is not sent again).
func (jr *journalRun) upkeep(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		now := jr.a.opts.Now()
		if err := jr.daily(now); err != nil {
			return err
		}
		timer.Reset(jr.next(now).Sub(now))
	}
}

// daily is one upkeep step at now: prune, then yesterday's summary when
// its time has come.
func (jr *journalRun) daily(now time.Time) error {
	if _, err := jr.prune(now); err != nil {
		return err
	}
	local := now.In(jr.loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, jr.loc)
	if !jr.summaryOn || local.Before(midnight.Add(jr.summaryAt)) {
		return nil
	}
	day := midnight.AddDate(0, 0, -1).Format(time.DateOnly)
	s, err := journalapi.Summarize(jr.a.journal, jr.a.cfg.Site, jr.a.cfg.Lane, day, jr.a.cfg.Currency(), jr.loc)
	if err == nil {
		err = journalapi.AddCashiers(jr.a.journal, s, lane.DetectConfig(jr.a.cfg))
	}
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	if s.Unwatched {
		jr.a.log.Info("no settlement summary: the agent did not run that day", "day", day)
		return nil
	}
	return jr.publish(s)
}

// next is the next upkeep time after now: the next summary time.
func (jr *journalRun) next(now time.Time) time.Time {
	local := now.In(jr.loc)
	at := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, jr.loc).Add(jr.summaryAt)
	for !at.After(local) {
		at = at.AddDate(0, 0, 1)
	}
	return at
}

// prune drops journal events older than the retention and logs how many.
func (jr *journalRun) prune(now time.Time) (int, error) {
	if jr.retention <= 0 {
		return 0, nil
	}
	// Whole days in the lane's time zone are kept: the cut is at the
	// lane's midnight on or before now minus the retention.
	c := now.Add(-jr.retention).In(jr.loc)
	n, err := jr.a.journal.Prune(time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, jr.loc))
	if err != nil {
		return n, fmt.Errorf("agent: prune journal: %w", err)
	}
	if n > 0 {
		jr.a.log.Info("journal pruned", "dropped", n, "retention", jr.retention)
	}
	return n, nil
}
