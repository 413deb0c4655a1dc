package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/links"
	"github.com/tillwatch/tillwatch/agent/notify"
	"github.com/tillwatch/tillwatch/agent/outbox"
	"github.com/tillwatch/tillwatch/agent/rawlog"
	"github.com/tillwatch/tillwatch/agent/status"
	"github.com/tillwatch/tillwatch/agent/tap"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/agent/uplink"
	"github.com/tillwatch/tillwatch/agent/videofeed"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
)

// Options are the parts of the agent a caller (CLI, demo, tests) may swap.
type Options struct {
	// Log receives the agent's log; default slog.Default().
	Log *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Tick is how often idle decoders are flushed and the detector's clock
	// advanced; default 250ms.
	Tick time.Duration
	// Version goes in the retained status message.
	Version string
	// Recognizer, when set, wraps the recogniser the recognition worker
	// runs for a raster printer (tests: a fake that blocks until told).
	Recognizer func(dev string, r escpos.Recognizer) escpos.Recognizer
	// RecognitionHold bounds how long the detector waits for a receipt
	// whose images are being read (docs/detection.md), and the receipt
	// for its images: past it the receipt goes on as printed, amounts not
	// read (recognition.go); default 30s.
	RecognitionHold time.Duration
	// RecognitionBudget bounds the bytes of a raster printer's input kept
	// in memory while its images are read; past it the receipts go on as
	// past the hold; default 4 MiB.
	RecognitionBudget int
}

// Agent is one lane's running pipeline.
type Agent struct {
	cfg     *configs.Config
	opts    Options
	log     *slog.Logger
	db      *buffer.DB
	journal *journal.Journal
	topics  topic.Lane
	out     *outbox.Writer    // the only writer of the outbox
	notify  *notify.Set       // the notification channels, each with its own queue
	video   []*videofeed.Feed // POS text feeds to video recorders
	lane    *lane.Lane
	mail    *links.Mailbox
	capture *capture.Sink
	tap     *tap.Hub    // technician verbs watching through the agent (taprun.go); set by Run
	raw     *rawlog.Log // raw input held until the decoders settle (rawinput.go)
	// rawFailed: the last step's write failed (disk full); rawSince: the
	// first raw input not written yet arrived; rawDue: when the core must
	// go round to write it or the held events; held, heldSince: events
	// not journaled yet and since when; syncDue: when lazy raw input
	// writes must be synced. Core goroutine only (rawinput.go).
	rawFailed        bool
	rawSince, rawDue time.Time
	held             held
	heldSince        time.Time
	syncDue          time.Time
	// ras holds raster printers' input while their images are read off
	// the core goroutine; waiting holds back the events the detector may
	// not see yet; rasters are the lane's raster printers (recognition.go).
	ras     *rasterFlow
	waiting []batch
	rasters map[string]*lane.Raster
	began   time.Time // when Run started: input before it was recovered

	mu      sync.Mutex
	stats   Stats
	up      *uplink.Uplink  // set by Run
	running bool            // Run's core loop is on
	stopped <-chan struct{} // closed when Run is stopping (its context is done); set by Run
	view    *status.View    // what the status page shows
	facts   *status.Sampler // the slow facts (clock, data directory), read on a ticker
	http    net.Addr        // the status listener, once Run opened it

	probeMu  sync.Mutex // Health's database probe
	probeAt  time.Time
	probeErr error

	ready  chan struct{} // closed once every device's link was up
	upSeen map[string]bool

	jrun *journalRun // reprint injectors, journal API, retention and summaries (journalrun.go); set by Run
}

// Stats are counters a person can read (demo, doctor, status page).
type Stats struct {
	Chunks, Bytes, Events, Alerts int
	LastAlert                     time.Time
	// ReadInline counts printed images the lane's decoder had no result
	// for from the recognition worker: read on the core goroutine at a
	// start after an unclean stop (recovered input), not read at all once
	// running (printed with amounts not read: the worker was stuck, or
	// saw the image cut differently). 0 in steady state.
	ReadInline int
	// Decided: after the last step everything read was decided (see
	// status.Snapshot.Decided); false until the first step.
	Decided bool
	// RecogKept is the bytes of raster printers' input kept in memory
	// for recognition; RecogKeptMax the most at once since the start
	// (at most Options.RecognitionBudget).
	RecogKept, RecogKeptMax int
}

// New opens the agent's database and builds its pipeline; Run starts it.
// The caller must call Run (which closes the database when it returns) or
// Close.
func New(cfg *configs.Config, opts Options) (*Agent, error) {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Tick <= 0 {
		opts.Tick = 250 * time.Millisecond
	}
	if opts.RecognitionHold <= 0 {
		opts.RecognitionHold = defaultMaxHold
	}
	if opts.RecognitionBudget <= 0 {
		opts.RecognitionBudget = defaultBudget
	}
	ln, err := lane.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	db, err := outbox.Open(cfg, opts.Log)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	topics := topic.New(cfg.MQTT.TopicPrefix, cfg.Site, cfg.Lane)
	a := &Agent{
		cfg: cfg, opts: opts, log: opts.Log, db: db,
		journal: journal.New(db), topics: topics,
		out:  outbox.New(db.Queue(outbox.QueueName), outbox.Options{Topics: topics, Log: opts.Log, Now: opts.Now}),
		lane: ln, mail: links.NewMailbox(), raw: rawlog.New(db, rawDevices(ln, cfg.Devices)), view: status.NewView(cfg, opts.Now()),
		ras: newRasterFlow(ln, opts.Recognizer, opts.RecognitionBudget), rasters: ln.Rasters(),
		ready: make(chan struct{}), upSeen: map[string]bool{},
	}
	a.facts = status.NewSampler(a.readFacts, factsEvery, a.quickFacts(status.UnknownFacts()))
	a.notify, err = notify.Open(db, cfg.Notify, notify.SetOptions{
		Voice:  notify.Voice{Lang: words.Of(cfg.Locale), Loc: cfg.Location()},
		Limits: buffer.Limits{MaxBytes: cfg.Outbox.MaxBytes, MaxAge: cfg.Outbox.MaxAge},
		Log:    opts.Log.With("part", "notify"),
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("agent: %w", err)
	}
	a.notify.Attach(a.out.AddReader) // before the first alert
	if a.video, err = videoFeeds(cfg, opts.Log); err != nil {
		db.Close()
		return nil, err
	}
	if cfg.Capture != "" {
		if a.capture, err = capture.CreateSink(cfg.Capture, lane.CaptureHeader(cfg), ln.Redactors(), opts.Log); err != nil {
			db.Close()
			return nil, fmt.Errorf("agent: %w", err)
		}
	}
	return a, nil
}

// Close releases what New opened; Run calls it on return.
func (a *Agent) Close() error {
	var errs []error
	if a.capture != nil {
		errs = append(errs, a.capture.Close())
	}
	errs = append(errs, a.db.Close())
	return errors.Join(errs...)
}

// Stats returns a snapshot of the counters.
func (a *Agent) Stats() Stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stats
}

// Run runs links, the core loop and the uplink until ctx is done. It rebuilds
// the detector from the journal first, so alerts pending at a crash are not
// lost.
func (a *Agent) Run(ctx context.Context) (err error) {
	defer func() { err = errors.Join(err, a.Close()) }()
	a.began = a.opts.Now()
	if err := a.recoverInput(); err != nil {
		return err
	}
	a.ras.live() // from here on the core goroutine reads no image
	if err := a.rebuild(); err != nil {
		return err
	}
	// From the first start on the journal knows which days were watched
	// (day summaries of days before are not published).
	if err := a.journal.Begin(a.opts.Now()); err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	up, err := a.newUplink()
	if err != nil {
		return err
	}
	srv, ln, err := a.newStatus()
	if err != nil {
		return err
	}
	a.jrun = a.newJournalRun(srv)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hub, err := a.newTap(ctx, srv)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.tap = hub
	a.mu.Unlock()
	a.mu.Lock()
	a.up, a.running, a.stopped = up, true, ctx.Done()
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.running = false
		a.mu.Unlock()
	}()
	var wg sync.WaitGroup
	errc := make(chan error, len(a.cfg.Devices)+len(a.video)+8) // one per goroutine started below
	start := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx); err != nil && !errors.Is(err, context.Canceled) {
				errc <- fmt.Errorf("%s: %w", name, err)
				cancel()
			}
		}()
	}
	start("uplink", up.Run)
	if srv != nil {
		start("status", func(ctx context.Context) error { return srv.Serve(ctx, ln) })
	}
	start("badger gc", func(ctx context.Context) error { a.db.RunGC(ctx, 10*time.Minute); return nil })
	start("outbox upkeep", a.outboxUpkeep)
	start("status facts", a.facts.Run)
	start("notify", func(ctx context.Context) error { a.notify.Run(ctx); return nil })
	for _, f := range a.video {
		start("video feed", f.Run)
	}
	start("journal upkeep", a.jrun.upkeep)
	// Recognition outlives the core's context by up to stopWait: a stop
	// waits for images in flight (drainRecognition); a recogniser stuck
	// in its call does not hold the stop (recog.Worker.Run).
	rctx, stopRecog := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRecog()
	start("recognition", func(context.Context) error { return a.ras.run(rctx) })
	var linkWG sync.WaitGroup
	for _, d := range a.cfg.Devices {
		runner := a.jrun.inject(d, links.For(d, a.opts.Now, a.log))
		linkWG.Add(1)
		start("link "+d.Name, func(ctx context.Context) error { defer linkWG.Done(); return runner.Run(ctx, a.mail) })
	}
	linksDone := make(chan struct{})
	go func() { linkWG.Wait(); close(linksDone) }()
	a.log.Info("agent running", "site", a.cfg.Site, "lane", a.cfg.Lane, "devices", len(a.cfg.Devices), "broker", a.cfg.MQTT.Broker)
	coreErr := a.core(ctx, linksDone)
	a.mail.Release() // a link waiting for room must see the stop (the core failed)
	stopRecog()
	cancel()
	wg.Wait()
	st := a.Stats()
	a.log.Info("agent stopped", "chunks", st.Chunks, "bytes", st.Bytes, "events", st.Events, "alerts", st.Alerts)
	close(errc)
	errs := []error{coreErr}
	for e := range errc {
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// core is the single goroutine that decodes, journals, detects and
// enqueues, in that order, so that everything is journaled before it counts.
// It sleeps until input arrives or something falls due: while a decoder
// holds something (a job, a receipt waiting for its drawer kick, part of a
// frame) or alerts wait for room on the disk it goes round every Tick;
// otherwise its one timer is set to the detector's next deadline. An idle
// lane thus wakes it only for its own decisions (issue 15: the former
// 250 ms tick cost four wake-ups a second for nothing). At a stop it
// takes in what the links read before they stopped (linksDone closed).
func (a *Agent) core(ctx context.Context, linksDone <-chan struct{}) error {
	timer := time.NewTimer(a.nextRound(a.opts.Now()))
	defer timer.Stop()
	for {
		var items []input
		arrived := false // input came from a link (see commitStep's quiet)
		select {
		case <-ctx.Done():
			// Drain what the links read before the stop, and write the
			// raw input a decoder still holds (the next start re-decodes
			// it). The links stop on ctx too, handing over their last
			// reads on the way: those were lost when the core took the
			// mailbox first. None may wait for room in the mailbox.
			a.mail.Release()
			a.awaitLinks(linksDone)
			now := a.opts.Now()
			if err := a.step(a.routeInput(a.mail.Take()), now, true); err != nil {
				return err
			}
			if err := a.drainRecognition(); err != nil {
				return err
			}
			return a.finalCommit()
		case <-a.mail.Wake():
			taken := a.mail.Take()
			arrived = len(taken) > 0
			items = a.routeInput(taken)
		case d := <-a.ras.doneC():
			items = a.finished(d)
		case <-timer.C:
		}
		now := a.opts.Now()
		quiet := !arrived && len(items) == 0
		items = append(items, a.recogRound(now)...)
		if err := a.step(items, now, quiet); err != nil {
			return err
		}
		timer.Reset(a.nextRound(now))
	}
}

// linkStopWait bounds how long a stopping core waits for the links to
// hand over their last reads.
const linkStopWait = 5 * time.Second

// awaitLinks waits until every link stopped (linksDone closed), at most
// linkStopWait; a link that takes longer has its last reads lost, as at
// a kill.
func (a *Agent) awaitLinks(linksDone <-chan struct{}) {
	t := time.NewTimer(linkStopWait)
	defer t.Stop()
	select {
	case <-linksDone:
	case <-t.C:
		a.log.Warn("agent: a link did not stop within the stop's wait; what it read last is not written", "wait", linkStopWait)
	}
}

// idleRound bounds the core's sleep when nothing is due.
const idleRound = time.Hour

// nextRound is how long the core may sleep after a round at now.
func (a *Agent) nextRound(now time.Time) time.Duration {
	if a.out.Holding() || a.rawFailed {
		return a.opts.Tick
	}
	if at, ok := a.rawWake(); ok {
		return max(at.Sub(now), 0)
	}
	if a.ras.busy() { // for the bound of the detector's hold (RecognitionHold)
		return a.opts.Tick
	}
	for _, n := range a.lane.Names() {
		if !a.lane.Settled(n) {
			return a.opts.Tick
		}
	}
	if at, ok := a.lane.NextDeadline(); ok {
		return min(max(at.Sub(now), 0), idleRound)
	}
	return idleRound
}

// step processes queued input and the passing of time; quiet says no
// input arrived since the last step (commitStep).
func (a *Agent) step(items []input, now time.Time, quiet bool) error {
	var evs []drivers.Event
	var bs []batch // the events of each input with its time, for the detector
	var chunks, nbytes int
	var noted []links.Input // noted once the view has them: Ready means /healthz sees the links up
	for _, in := range items {
		if in.flush { // a raster printer's idle flush, the worker's done (idleRasters)
			got := a.lane.Flush(in.Dev, in.Chunk.Time)
			evs = append(evs, got...)
			bs = append(bs, batch{at: in.Chunk.Time, evs: got})
			continue
		}
		if in.Link != nil {
			if a.capture != nil {
				a.capture.Link(in.Dev, in.Link)
			}
			a.tap.Link(in.Dev, in.Link)
			noted = append(noted, in.Input)
			in.Link.SetSource(in.Dev)
			evs = append(evs, in.Link)
			bs = append(bs, batch{at: in.Link.When(), evs: []drivers.Event{in.Link}})
			continue
		}
		if a.capture != nil {
			a.capture.Chunk(in.Dev, in.Chunk)
		}
		a.tap.Chunk(in.Dev, in.Chunk)
		chunks++
		nbytes += len(in.Chunk.Data)
		a.view.Data(in.Dev, in.Chunk)
		if _, ok := a.rasters[in.Dev]; !ok {
			a.raw.Add(in.Dev, in.Chunk) // a raster printer's went in as it arrived (routeInput)
		}
		got, err := a.lane.Feed(in.Dev, in.Chunk)
		if err != nil {
			return fmt.Errorf("agent: %w", err)
		}
		evs = append(evs, got...)
		bs = append(bs, batch{at: in.Chunk.Time, evs: got})
	}
	if a.capture != nil && len(items) > 0 {
		_ = a.capture.Flush() // logged once by the sink; a capture never stops the lane
	}
	// While a printer's input waits for recognition its decoder must not
	// be flushed as idle: the idle flush keeps the detector's hold.
	idleAt := a.holdUntil(now)
	idle := append(a.lane.IdleExcept(idleAt, a.ras.workerFlushes()), a.idleRasters(idleAt)...)
	evs = append(evs, idle...)
	bs = append(bs, batch{at: idleAt, evs: idle})
	a.markUnread(evs)
	h := &a.held
	h.evs, h.bs, h.noted = append(h.evs, evs...), append(h.bs, bs...), append(h.noted, noted...)
	h.chunks, h.bytes = h.chunks+chunks, h.bytes+nbytes
	done, err := a.commitStep(now, quiet)
	if err != nil {
		return err
	}
	a.view.Beat(now)
	if !done {
		return nil // acknowledged once durable (rawinput.go)
	}
	evs, bs, noted, chunks, nbytes = h.evs, h.bs, h.noted, h.chunks, h.bytes
	a.held = held{}
	a.view.Events(evs)
	for _, f := range a.video {
		f.Events(evs)
	}
	for _, in := range noted {
		a.noteLink(in.Dev, in.Link)
	}
	alerts := a.detect(bs, now)
	for _, ev := range evs {
		a.log.Debug("event", "type", ev.EventType(), "device", ev.Source(), "time", ev.When())
	}
	err = a.enqueue(alerts)
	// Counted after the alerts they decided (a test reading Stats sees
	// both or neither).
	inline := 0
	for _, r := range a.rasters {
		inline += r.Cache.Misses()
	}
	decided := a.decided()
	a.mu.Lock()
	a.stats.Chunks += chunks
	a.stats.Bytes += nbytes
	a.stats.Events += len(evs)
	a.stats.ReadInline = inline
	a.stats.Decided = decided && err == nil
	a.stats.RecogKept = a.ras.kept()
	a.stats.RecogKeptMax = a.ras.keptMax()
	a.mu.Unlock()
	return err
}

// decided reports whether everything read is decided: no decoder holds
// input, no printed image waits for the worker, the detector has no
// decision pending and no alert waits in memory for room on the disk.
// Core goroutine only.
func (a *Agent) decided() bool {
	if a.ras.busy() || len(a.waiting) > 0 || a.out.Holding() {
		return false
	}
	for _, n := range a.lane.Names() {
		if !a.lane.Settled(n) {
			return false
		}
	}
	_, pending := a.lane.NextDeadline()
	return !pending
}

// Ready is closed once every device's link has been up at least once.
func (a *Agent) Ready() <-chan struct{} { return a.ready }

func (a *Agent) noteLink(dev string, ev *drivers.Link) {
	// The link logs its own transitions; this is for tracing the pipeline.
	a.log.Debug("link event", "device", dev, "up", ev.Up, "reason", ev.Reason)
	if !ev.Up || a.upSeen[dev] {
		return
	}
	a.upSeen[dev] = true
	if len(a.upSeen) == len(a.cfg.Devices) {
		close(a.ready)
	}
}

// rebuild replays the journal's recent window through the detector so
// incidents whose window was open at the last stop are still decided.
func (a *Agent) rebuild() error {
	now := a.opts.Now()
	last, err := a.journal.Last()
	if errors.Is(err, journal.ErrNotFound) {
		return nil // a new lane
	}
	if err != nil {
		return fmt.Errorf("agent: rebuild from journal: %w", err)
	}
	from := last.Add(-a.lane.Horizon())
	a.lane.Resume(from)
	day, err := newDayReplay(a.cfg, now)
	if err != nil {
		return err
	}
	n := 0
	err = a.journal.Range(from, time.Time{}, func(_ string, ev drivers.Event) error {
		n++
		day.observe(ev)
		return a.enqueue(a.lane.Observe([]drivers.Event{ev}))
	})
	if err != nil {
		return fmt.Errorf("agent: rebuild from journal: %w", err)
	}
	if n > 0 {
		a.log.Info("detector rebuilt from journal", "events", n, "window", a.lane.Horizon())
	}
	day.until(now)
	a.view.Restore(day.events, day.alerts)
	return a.enqueue(a.lane.Advance(now))
}

// enqueue stores each alert in the outbox (once per id) before it counts.
func (a *Agent) enqueue(alerts []detect.Alert) error {
	a.out.Retry()
	for _, al := range alerts {
		added, err := a.out.Alert(al)
		if err != nil {
			return fmt.Errorf("agent: %w", err)
		}
		if !added {
			continue
		}
		a.mu.Lock()
		a.stats.Alerts++
		a.stats.LastAlert = al.Detected
		a.mu.Unlock()
		a.view.Alert(al)
		for _, f := range a.video {
			f.Alert(al)
		}
		a.log.Info("alert", "kind", al.Kind, "state", al.State, "severity", al.Severity, "id", al.ID, "summary", al.Summary)
	}
	return nil
}

// outboxUpkeep expires old outbox entries and logs what the outbox shed,
// every minute (or health interval, if shorter), until ctx is done.
func (a *Agent) outboxUpkeep(ctx context.Context) error {
	every := time.Minute
	if hi := a.cfg.MQTT.HealthInterval; hi > 0 && hi < every {
		every = hi
	}
	return a.out.Upkeep(ctx, every, buffer.Limits{MaxBytes: a.cfg.Outbox.MaxBytes, MaxAge: a.cfg.Outbox.MaxAge})
}
