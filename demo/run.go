package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/width"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/internal/subscribe"
	"github.com/tillwatch/tillwatch/sim"
)

// Options tune a demo run.
type Options struct {
	// Dir holds the data directory and the capture; default a new temp dir
	// (kept, so the capture can be replayed).
	Dir string
	// Broker is an MQTT broker URL to use instead of the embedded one.
	Broker string
	// Out receives the human-readable narration and alerts; nil is quiet.
	Out io.Writer
	// Log receives the agent's log; default discards below warnings.
	Log *slog.Logger
	// Shift is the script to play; default sim.DemoShift().
	Shift []sim.Action
	// Expect lists the alert kinds to wait for; default sim.DemoExpected().
	Expect []string
	// Tweak may change the agent config before the run (tests).
	Tweak func(*configs.Config)
	// Timeout bounds the whole run; default 55s.
	Timeout time.Duration
	// Locale is the lane's language (zh-CN, en, de); default the system's.
	Locale string
	// TimeZone is the lane's IANA time zone (e.g. Asia/Shanghai); default
	// the system's.
	TimeZone string
	// Notify "ntfy" adds an ntfy channel publishing to a local inbox
	// (StartInbox) that prints each notification: a channel working
	// without any account.
	Notify string
}

// Result is what a demo run saw.
type Result struct {
	Dir     string
	Capture string
	Alerts  []detect.Alert // as received by the subscriber, in order
	Missing []string       // expected kinds that never arrived
	// Notified are the notifications the local ntfy inbox received
	// (Options.Notify "ntfy").
	Notified []InboxMessage
	Duration time.Duration
}

// Run plays the shift through the whole pipeline and returns when every
// expected alert kind has arrived at the subscriber (plus a short grace for
// unexpected ones), or on timeout.
func Run(ctx context.Context, o Options) (*Result, error) {
	start := time.Now()
	o.defaults()
	// The simulator's notes and the subscriber's alerts are printed from
	// two goroutines; one lock keeps their lines whole and o.Out unshared.
	var outMu sync.Mutex
	say := func(format string, args ...any) {
		if o.Out != nil {
			outMu.Lock()
			defer outMu.Unlock()
			fmt.Fprintf(o.Out, format+"\n", args...)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	if o.Dir == "" {
		d, err := os.MkdirTemp("", "tillwatch-demo-")
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		o.Dir = d
	}
	broker := o.Broker
	if broker == "" {
		b, err := mqttbroker.Start("127.0.0.1:0", o.Log)
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		defer b.Close()
		broker = b.URL()
		say("embedded MQTT broker on %s", b.Addr())
	}
	wires, err := sim.OpenWires()
	if err != nil {
		return nil, err
	}
	defer wires.Close()
	cfg := Config(o.Dir, broker, wires)
	cfg.Locale = o.Locale
	cfg.TimeZone = o.TimeZone
	var inbox *Inbox
	switch o.Notify {
	case "":
	case "ntfy":
		in, err := StartInbox(say, words.Of(cfg.Locale), cfg.Location())
		if err != nil {
			return nil, err
		}
		inbox = in
		defer inbox.Close()
		cfg.Notify = append(cfg.Notify, configs.Notify{Name: "demo-ntfy", Type: "ntfy", URL: inbox.URL()})
		say("ntfy channel: a local inbox on %s (every notification is printed here too)", inbox.Page())
	default:
		return nil, fmt.Errorf("demo: --notify %q: the demo can show ntfy (a local inbox); real channels are set up in the config (see README)", o.Notify)
	}
	if o.Tweak != nil {
		o.Tweak(cfg)
	}
	say("simulated lane on ptys: printer %s (+%s status), terminal %s (+%s)",
		wires.Path(sim.PrinterHost), wires.Path(sim.PrinterDevice), wires.Path(sim.TerminalHost), wires.Path(sim.TerminalDevice))

	sub, filter, err := subscribeAlerts(ctx, broker, 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer sub.Close()
	say("subscriber listening on %s", filter)

	ag, err := agent.New(cfg, agent.Options{Log: o.Log, Version: "demo"})
	if err != nil {
		return nil, err
	}
	agentCtx, stopAgent := context.WithCancel(ctx)
	agentDone := make(chan error, 1)
	go func() { agentDone <- ag.Run(agentCtx) }()
	stop := func() error {
		stopAgent()
		return <-agentDone
	}
	select {
	case <-ag.Ready():
	case err := <-agentDone:
		return nil, fmt.Errorf("demo: agent stopped before its links were up: %w", err)
	case <-ctx.Done():
		return nil, errors.Join(fmt.Errorf("demo: links not up: %w", ctx.Err()), stop())
	}

	if addr := ag.StatusAddr(); addr != "" {
		say("status page: http://%s/  (metrics: /metrics, health: /healthz)", addr)
	}
	writes, err := sim.Compile(o.Shift)
	if err != nil {
		return nil, errors.Join(err, stop())
	}
	say("playing a %s shift...\n", sim.Duration(writes).Round(time.Second))
	res := &Result{Dir: o.Dir, Capture: cfg.Capture}
	playDone := make(chan error, 1)
	go func() {
		p := &sim.Player{Out: wires.Writer, Baud: 9600, Note: func(at time.Duration, note string) {
			say("  %5.1fs  lane: %s", at.Seconds(), note)
		}}
		playDone <- p.Play(ctx, writes)
	}()

	// After the last action, wait out the receipt window so a late alert
	// (a missing receipt for the last sale) would still show.
	show := func(al detect.Alert) string { return Format(al, words.Of(cfg.Locale), cfg.Location()) }
	err = collect(ctx, o, sub, playDone, cfg.Detect.ReceiptWait+cfg.Detect.ClockSkew+time.Second, res, say, show)
	if inbox != nil && err == nil {
		var ids []string
		for _, a := range res.Alerts {
			ids = append(ids, a.ID)
		}
		if missing := inbox.WaitFor(ctx, ids); len(missing) > 0 {
			err = fmt.Errorf("demo: alerts %v never reached the ntfy inbox", missing)
		}
		res.Notified = inbox.Messages()
	}
	res.Duration = time.Since(start)
	return res, errors.Join(err, stop())
}

// collect prints alerts as they arrive until every expected kind is there
// and the shift is over.
func collect(ctx context.Context, o Options, sub *subscribe.Watcher, playDone <-chan error, settle time.Duration, res *Result, say func(string, ...any), show func(detect.Alert) string) error {
	want := slices.Clone(o.Expect)
	var grace <-chan time.Time
	for {
		if playDone == nil && len(want) == 0 && grace == nil {
			grace = time.After(settle)
		}
		select {
		case err := <-playDone:
			if err != nil {
				return fmt.Errorf("demo: simulator: %w", err)
			}
			playDone = nil
			say("  shift over; waiting %s for late alerts", settle)
		case m, ok := <-sub.Messages():
			switch {
			case !ok:
				return fmt.Errorf("demo: subscriber closed")
			case m.Err != nil:
				say("  !! %v", m.Err)
				continue
			case m.Alert == nil:
				continue
			}
			res.Alerts = append(res.Alerts, *m.Alert)
			say("%s", show(*m.Alert))
			key := m.Alert.Kind
			if m.Alert.State == detect.Resolved {
				key += "/resolved"
			}
			if i := slices.Index(want, key); i >= 0 {
				want = slices.Delete(want, i, i+1)
			}
		case <-grace:
			return nil
		case <-ctx.Done():
			res.Missing = want
			if len(want) == 0 {
				return nil
			}
			return fmt.Errorf("demo: timed out waiting for %s", strings.Join(want, ", "))
		}
	}
}

// Format renders an alert for a person: a resolved alert as RESOLVED
// (never with the severity it had while raised), its title in lang, the
// summary as the lane wrote it, times in loc with the zone.
func Format(al detect.Alert, lang words.Lang, loc *time.Location) string {
	head := "ALERT " + strings.ToUpper(string(al.Severity))
	if al.State == detect.Resolved {
		head = "RESOLVED"
	}
	return fmt.Sprintf("  >> %-14s %s %s/%s  %s\n           %s, id %s, happened %s",
		head, pad(words.Title(al.Kind, al.State, lang), 28), al.Site, al.Lane, al.Summary,
		al.Kind, al.ID, al.Time.In(loc).Format("15:04:05.000 MST"))
}

// pad fills s with spaces to n terminal columns: a wide character (Chinese,
// full-width forms) takes two, so Chinese titles line up as English ones do
// (fmt's %-28s counts runes).
func pad(s string, n int) string {
	w := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			w += 2
		default:
			w++
		}
	}
	return s + strings.Repeat(" ", max(n-w, 0))
}

func (o *Options) defaults() {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Shift == nil {
		o.Shift = sim.DemoShift()
	}
	if o.Expect == nil {
		o.Expect = sim.DemoExpected()
	}
	if o.Timeout <= 0 {
		o.Timeout = 55 * time.Second
	}
}
