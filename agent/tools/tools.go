package tools

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/links"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
)

// selectDevices returns the config's devices named in names (all when
// names is empty), or an error naming the unknown one.
func selectDevices(cfg *configs.Config, names []string) ([]configs.Device, error) {
	if len(names) == 0 {
		return cfg.Devices, nil
	}
	var out []configs.Device
	for _, n := range names {
		i := slices.IndexFunc(cfg.Devices, func(d configs.Device) bool { return d.Name == n })
		if i < 0 {
			var known []string
			for _, d := range cfg.Devices {
				known = append(known, d.Name)
			}
			return nil, fmt.Errorf("tools: no device %q in the config (devices: %v)", n, known)
		}
		out = append(out, cfg.Devices[i])
	}
	return out, nil
}

// feeder fills mail with link input until ctx is done: a device's own
// link, or a running agent's tap.
type feeder func(ctx context.Context, mail *links.Mailbox) error

// linkFeeders open the devices' links themselves.
func linkFeeders(devs []configs.Device, log *slog.Logger) []feeder {
	var fs []feeder
	for _, d := range devs {
		r := links.For(d, time.Now, log)
		fs = append(fs, func(ctx context.Context, mail *links.Mailbox) error {
			if err := r.Run(ctx, mail); err != nil {
				return fmt.Errorf("link %s: %w", d.Name, err)
			}
			return nil
		})
	}
	return fs
}

// feeders are the agent's tap when o.Via is set, else the links.
func feeders(via *Via, devs []configs.Device, log *slog.Logger) []feeder {
	if via == nil {
		return linkFeeders(devs, log)
	}
	var names []string
	for _, d := range devs {
		names = append(names, d.Name)
	}
	return []feeder{func(ctx context.Context, mail *links.Mailbox) error { return via.feed(ctx, names, mail) }}
}

// pump runs the feeders and calls handle with what they delivered, from
// one goroutine, until ctx is done or a feeder fails; handle is also
// called every interval with no input and the current time.
func pump(ctx context.Context, fs []feeder, interval time.Duration, handle func([]links.Input, time.Time) error) error {
	mail := links.NewMailbox()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, len(fs))
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx, mail); err != nil {
				errc <- err
				cancel()
			}
		}()
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var err error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-mail.Wake():
			if err = handle(mail.Take(), time.Now()); err != nil {
				break loop
			}
		case now := <-tick.C:
			if err = handle(nil, now); err != nil {
				break loop
			}
		}
	}
	cancel()
	mail.Release() // no feeder may wait for room once handle is no longer called
	wg.Wait()
	close(errc)
	errs := []error{err}
	for e := range errc {
		errs = append(errs, e)
	}
	if rest := mail.Take(); len(rest) > 0 {
		errs = append(errs, handle(rest, time.Now()))
	}
	return errors.Join(errs...)
}

// MonitorItem is one thing a monitored device did: a chunk of raw bytes, a
// decoded event, or a link going up or down.
type MonitorItem struct {
	Device string
	Chunk  *drivers.Chunk // raw bytes (only with MonitorOptions.Raw)
	Event  drivers.Event  // decoded: receipt, payment, printer status, settlement, link
}

// MonitorOptions tune Monitor.
type MonitorOptions struct {
	Devices []string // names; empty = all
	Raw     bool     // also report raw chunks
	Log     *slog.Logger
	// Via reads a running agent's links through its local API instead of
	// opening the ports (which it holds).
	Via *Via
}

// Monitor opens the links of the chosen devices (or reads them through
// the running agent, o.Via), decodes what passes and calls fn for every
// item, until ctx is done. Card numbers are masked by the decoders; raw
// chunks of terminal links are redacted the way captures are before fn
// sees them.
func Monitor(ctx context.Context, cfg *configs.Config, o MonitorOptions, fn func(MonitorItem)) error {
	devs, err := selectDevices(cfg, o.Devices)
	if err != nil {
		return err
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	ln, err := lane.New(cfg)
	if err != nil {
		return err
	}
	red := ln.Redactors()
	if o.Via != nil {
		red = nil // the agent redacted them
	}
	return pump(ctx, feeders(o.Via, devs, o.Log), 500*time.Millisecond, func(items []links.Input, now time.Time) error {
		for _, in := range items {
			if in.Link != nil {
				if in.Link.Up {
					red.Opened(in.Dev, in.Link.Time)
				}
				in.Link.SetSource(in.Dev)
				fn(MonitorItem{Device: in.Dev, Event: in.Link})
				continue
			}
			if o.Raw {
				c := in.Chunk
				c.Data = red.RedactChunk(in.Dev, c)
				if len(c.Data) > 0 {
					fn(MonitorItem{Device: in.Dev, Chunk: &c})
				}
			}
			evs, err := ln.Feed(in.Dev, in.Chunk)
			if err != nil {
				return err
			}
			for _, ev := range evs {
				fn(MonitorItem{Device: in.Dev, Event: ev})
			}
		}
		for _, ev := range ln.Idle(now) {
			fn(MonitorItem{Device: ev.Source(), Event: ev})
		}
		return nil
	})
}

// CaptureStats is the progress of a capture: bytes and records per device.
type CaptureStats struct {
	Records int
	Bytes   map[string]int
	Links   map[string]bool // device -> up
}

// CaptureOptions tune Capture.
type CaptureOptions struct {
	Devices  []string // names; empty = all
	Path     string   // the capture file (appended to when it exists)
	Progress func(CaptureStats)
	Every    time.Duration // how often Progress is called; default 2s
	Log      *slog.Logger
	// Via records a running agent's links through its local API instead
	// of opening the ports (which it holds).
	Via *Via
}

// Capture records the chosen devices' traffic to a capture file (JSON
// Lines, with a header naming each device's protocol so replay needs no
// config) until ctx is done. Terminal links are redacted as they are
// written.
func Capture(ctx context.Context, cfg *configs.Config, o CaptureOptions) (CaptureStats, error) {
	st := CaptureStats{Bytes: map[string]int{}, Links: map[string]bool{}}
	devs, err := selectDevices(cfg, o.Devices)
	if err != nil {
		return st, err
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Every <= 0 {
		o.Every = 2 * time.Second
	}
	sub := *cfg
	sub.Devices = devs
	ln, err := lane.New(&sub)
	if err != nil {
		return st, err
	}
	var red capture.Redactor = ln.Redactors()
	if o.Via != nil {
		red = nil // the agent redacted them
	}
	sink, err := capture.CreateSink(o.Path, lane.CaptureHeader(&sub), red, o.Log)
	if err != nil {
		return st, err
	}
	last := time.Now()
	err = pump(ctx, feeders(o.Via, devs, o.Log), o.Every, func(items []links.Input, now time.Time) error {
		for _, in := range items {
			st.Records++
			if in.Link != nil {
				sink.Link(in.Dev, in.Link)
				st.Links[in.Dev] = in.Link.Up
				continue
			}
			sink.Chunk(in.Dev, in.Chunk)
			st.Bytes[in.Dev] += len(in.Chunk.Data)
		}
		if err := sink.Flush(); err != nil {
			return err
		}
		if o.Progress != nil && now.Sub(last) >= o.Every {
			last = now
			o.Progress(st)
		}
		return nil
	})
	return st, errors.Join(err, sink.Close())
}
