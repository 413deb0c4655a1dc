package lane

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/recog"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
)

// Lane is the pure part of the pipeline: one decoder per device and the
// detection engine. It does no I/O and reads no clock; callers feed it
// chunks with their times and tell it when time passes. It is not safe for
// concurrent use.
type Lane struct {
	names     []string
	decoders  map[string]drivers.Decoder
	redactors map[string]func() Redactor // devices whose protocol can carry card data
	rasters   map[string]*Raster         // printers whose images are read
	feeds     map[string]*feed           // each device's decoder and last chunk time
	order     []*feed                    // the same, in name order
	engine    *detect.Engine
	lang      words.Lang     // the language of alert summaries
	loc       *time.Location // the lane's time zone
	currency  string         // the lane's currency (configs.Config.Currency)
}

// IdleGap is how long a device's line must be quiet before its decoder is
// flushed: a ZVT decoder drops a partial frame on Flush, and a frame at
// 9600 baud arrives in many chunks, so Flush only runs between messages.
const IdleGap = time.Second

// New builds the decoders, redactors and the detector a config describes.
// Each device's protocol settings (a terminal template, a profile) are read
// once, here. tune, when given, changes the detector's settings further
// (comparison runs, e.g. detect.Config.IgnoreDamage).
func New(cfg *configs.Config, tune ...func(*detect.Config)) (*Lane, error) {
	dc := DetectConfig(cfg)
	for _, f := range tune {
		f(&dc)
	}
	l := &Lane{
		decoders: map[string]drivers.Decoder{}, redactors: map[string]func() Redactor{}, rasters: map[string]*Raster{},
		feeds: map[string]*feed{}, engine: detect.New(dc),
		lang: words.Of(cfg.Locale), loc: cfg.Location(), currency: cfg.Currency(),
	}
	for _, d := range cfg.Devices {
		p, err := openProtocol(d, cfg)
		if err != nil {
			return nil, fmt.Errorf("lane: device %q: %w", d.Name, err)
		}
		l.names = append(l.names, d.Name)
		l.decoders[d.Name] = p.decoder
		if p.redactor != nil {
			l.redactors[d.Name] = p.redactor
		}
		if p.raster != nil {
			l.rasters[d.Name] = p.raster
		}
	}
	slices.Sort(l.names)
	for _, n := range l.names {
		f := &feed{name: n, dec: l.decoders[n], quietAt: time.Time{}.Add(IdleGap)}
		l.feeds[n], l.order = f, append(l.order, f)
	}
	return l, nil
}

// feed is what Feed and Idle use of a device, found with one lookup (they
// run for every chunk: a replayed month is 750,000).
type feed struct {
	name     string
	dec      drivers.Decoder
	lastSeen time.Time
	// quietAt is lastSeen plus IdleGap, kept with it: Idle compares it
	// for every device and chunk, and Time.Sub costs more than Before.
	quietAt time.Time
}

// DetectConfig maps the config's detect section onto the engine's.
func DetectConfig(cfg *configs.Config) detect.Config {
	dc := detect.DefaultConfig()
	dc.Site, dc.Lane = cfg.Site, cfg.Lane
	dc.MatchWindow = cfg.Detect.MatchWindow
	dc.ReceiptWait = cfg.Detect.ReceiptWait
	dc.AmountTolerance = cfg.Detect.AmountTolerance
	dc.DuplicateWindow = cfg.Detect.DuplicateWindow
	dc.ClockSkew = cfg.Detect.ClockSkew
	dc.SettlementWindow = cfg.Detect.SettlementWindow
	dc.Roles = map[string]string{}
	for _, d := range cfg.Devices {
		if d.Role == detect.RolePrinter || d.Role == detect.RoleTerminal {
			dc.Roles[d.Name] = d.Role
		}
	}
	if len(cfg.Detect.Settles) > 0 {
		dc.Settles = nil
		for _, s := range cfg.Detect.Settles {
			dc.Settles = append(dc.Settles, drivers.TenderKind(s))
		}
	}
	return dc
}

// Raster is a printer whose images are read (devices[].glyphs, ocr).
// Its decoder and redactors read from Cache, which falls back to
// Recognizer for an image whose result was not handed over.
type Raster struct {
	Name       string
	Recognizer escpos.Recognizer
	Printer    *escpos.Printer
	Cache      *recog.Cache
	// Options are the decoder's (its Recognizer is Cache): a
	// recog.Worker's decoder of the device joins images as it does.
	Options escpos.Options
}

// Rasters are the lane's printers whose images are read, by name.
func (l *Lane) Rasters() map[string]*Raster { return maps.Clone(l.rasters) }

// Recognised hands over what a recog.Worker read in dev's images: the
// async result input. Feed the chunks that closed those images after it,
// and the decoder reads them from the results instead of running the
// recogniser on the caller's goroutine.
func (l *Lane) Recognised(dev string, rs []recog.Result) {
	if r := l.rasters[dev]; r != nil {
		r.Cache.Add(rs)
	}
}

// Names are the lane's device names, sorted.
func (l *Lane) Names() []string { return slices.Clone(l.names) }

// Feed decodes one chunk of a device and stamps the events with the device
// name. Unknown devices are an error (a capture naming a device the config
// lacks).
func (l *Lane) Feed(dev string, c drivers.Chunk) ([]drivers.Event, error) {
	f, ok := l.feeds[dev]
	if !ok {
		return nil, fmt.Errorf("lane: no device %q configured", dev)
	}
	if c.Time.After(f.lastSeen) {
		f.lastSeen, f.quietAt = c.Time, c.Time.Add(IdleGap)
	}
	return stamp(f.name, withDamage(f.dec, f.dec.Feed(c))), nil
}

// withDamage adds to a decoder's events the damage it reported (see
// drivers.DamageSource).
func withDamage(dec drivers.Decoder, evs []drivers.Event) []drivers.Event {
	if ds, ok := dec.(drivers.DamageSource); ok {
		evs = append(evs, ds.TakeDamage()...)
	}
	return evs
}

// Idle lets the decoder of every device that has been quiet for IdleGap
// close what is complete by now (jobs never cut, status requests never
// answered). Devices are visited in name order so the result is
// deterministic.
func (l *Lane) Idle(now time.Time) []drivers.Event { return l.IdleExcept(now, nil) }

// IdleExcept is Idle for the devices skip (nil: none) does not report: the
// agent flushes a raster printer by itself (Flush), once its recognition
// worker has flushed its own decoder.
func (l *Lane) IdleExcept(now time.Time, skip func(dev string) bool) []drivers.Event {
	var evs []drivers.Event
	for _, f := range l.order {
		if now.Before(f.quietAt) || skip != nil && skip(f.name) { // now.Sub(f.lastSeen) < IdleGap
			continue
		}
		evs = append(evs, stamp(f.name, withDamage(f.dec, f.dec.Flush(now)))...)
	}
	return evs
}

// Quiet reports whether Idle(now) would flush dev: its line has been
// quiet for IdleGap.
func (l *Lane) Quiet(dev string, now time.Time) bool {
	f := l.feeds[dev]
	return f != nil && !now.Before(f.quietAt)
}

// Flush flushes dev's decoder as Idle(now) does, quiet or not.
func (l *Lane) Flush(dev string, now time.Time) []drivers.Event {
	f := l.feeds[dev]
	if f == nil {
		return nil
	}
	return stamp(f.name, withDamage(f.dec, f.dec.Flush(now)))
}

// Settled reports whether dev's decoder holds nothing pending (see
// drivers.Settler); false for a decoder that cannot tell.
func (l *Lane) Settled(dev string) bool {
	s, ok := l.decoders[dev].(drivers.Settler)
	return ok && s.Settled()
}

// flushAller is a decoder that can close everything at end of input.
type flushAller interface{ FlushAll() []drivers.Event }

// EndOfInput closes whatever is open in every decoder (replay's end):
// decoders that know the difference end open jobs as "eof" rather than
// "idle".
func (l *Lane) EndOfInput(end time.Time) []drivers.Event {
	var evs []drivers.Event
	for _, n := range l.names {
		if fa, ok := l.decoders[n].(flushAller); ok {
			evs = append(evs, stamp(n, withDamage(l.decoders[n], fa.FlushAll()))...)
			continue
		}
		evs = append(evs, stamp(n, withDamage(l.decoders[n], l.decoders[n].Flush(end)))...)
	}
	return evs
}

// Observe gives events to the detector and returns the alerts they decided.
// Before each event the detector's clock is advanced to the event's time, so
// a window that closed before the event is decided first, exactly as in
// replay, whatever the live ticker's phase was.
func (l *Lane) Observe(evs []drivers.Event) []detect.Alert {
	var alerts []detect.Alert
	for _, ev := range evs {
		alerts = append(alerts, l.engine.Advance(ev.When())...)
		alerts = append(alerts, l.engine.Observe(ev)...)
	}
	return l.say(alerts)
}

// Advance moves the detector's clock and returns the alerts that fell due.
func (l *Lane) Advance(now time.Time) []detect.Alert { return l.say(l.engine.Advance(now)) }

// Finish ends input: every pending window expires now.
func (l *Lane) Finish() []detect.Alert { return l.say(l.engine.Flush()) }

// say writes each alert's summary in the lane's language and time zone
// (package words): the one text the outbox, replay, channels, the video
// feed and the status page carry. An alert about a receipt alone (a cash
// job that failed) names the lane's currency, in whose minor units the
// receipt was read, so its amounts say what they are (the id does not
// depend on it).
func (l *Lane) say(alerts []detect.Alert) []detect.Alert {
	for i := range alerts {
		if a := &alerts[i]; a.Currency == "" && a.Receipt != nil {
			a.Currency = l.currency
		}
		words.Localize(&alerts[i], l.lang, l.loc)
	}
	return alerts
}

// NextDeadline is when the detector's earliest pending decision falls
// due; false when none is pending.
func (l *Lane) NextDeadline() (time.Time, bool) { return l.engine.NextDeadline() }

// Resume prepares the detector to take over after a restart from events
// replayed from the journal starting at from; see detect.Engine.Resume.
func (l *Lane) Resume(from time.Time) { l.engine.Resume(from) }

// Horizon is how far back a restart replays the journal.
func (l *Lane) Horizon() time.Duration { return l.engine.Horizon() }

func stamp(dev string, evs []drivers.Event) []drivers.Event {
	for _, ev := range evs {
		ev.SetSource(dev)
	}
	return evs
}
