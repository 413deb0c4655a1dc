package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/internal/subscribe"
)

type watchCmd struct {
	Broker   string        `default:"tcp://127.0.0.1:1883" help:"MQTT broker URL (tcp://, ssl://, ws://, wss://)."`
	Site     []string      `sep:"," placeholder:"SITE" help:"Only these sites (repeat or comma-separate)."`
	Lane     []string      `sep:"," placeholder:"LANE" help:"Only these lanes."`
	Kind     []string      `sep:"," placeholder:"KIND" help:"Only these alert kinds (e.g. payment_without_receipt,amount_mismatch)."`
	JSON     bool          `name:"json" help:"Print each alert as one JSON object per line (the alert contract, as replay prints it); statuses are left out."`
	NoStatus bool          `help:"Leave lane online/offline changes out of the table."`
	Once     int           `placeholder:"N" help:"Exit after N alerts (0: run until Ctrl-C)."`
	Timeout  time.Duration `help:"Exit after this long (e.g. 30s); with --once, exit 1 if fewer than N alerts arrived."`
	Webhook  string        `placeholder:"URL" help:"Also POST each new alert (JSON) to this URL, with retries and backoff."`
	Attempts int           `name:"webhook-attempts" default:"8" help:"Tries per alert before the webhook gives it up."`
	Share    string        `placeholder:"GROUP" help:"Join the shared subscription $share/GROUP/... (each alert goes to one member of the group)."`
	Prefix   string        `default:"${topic_prefix}" help:"First topic levels, as the agents' mqtt.topic_prefix."`
	ClientID string        `help:"MQTT client id (default tillwatch-watch-HOST-PID)."`
	Username string        `help:"MQTT username; the password comes from TILLWATCH_MQTT_PASSWORD."`
	CAFile   string        `type:"existingfile" help:"PEM CA certificates to trust for ssl:// and wss:// instead of the system's."`
	Lang     string        `placeholder:"LANG" help:"Write titles and summaries in this language (zh-CN, en, de) instead of the lane's own."`
	TZ       string        `name:"tz" placeholder:"ZONE" help:"Time zone of the TIME column and of re-written summaries (IANA name; default the system's)."`
	Notify   string        `placeholder:"FILE" type:"existingfile" help:"Send alerts through the notification channels this file lists (a notify: section, as in a lane config): a central desk's robots, Telegram, ntfy, e-mail."`
	NotifyDB string        `name:"notify-data" placeholder:"DIR" default:"tillwatch-watch-data" help:"Where --notify keeps its delivery queues (nothing lost across restarts or channel outages)."`

	notes *watchNotify // the --notify channels, nil without
}

func (c *watchCmd) Run(e *env) error {
	if c.Once < 0 || c.Timeout < 0 {
		return usageError{errors.New("watch: --once and --timeout cannot be negative")}
	}
	opts, err := c.options()
	if err != nil {
		return err
	}
	ctx := e.ctx
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var hook *subscribe.Webhook
	if c.Webhook != "" {
		hook, err = subscribe.NewWebhook(c.Webhook, subscribe.WebhookOptions{Attempts: c.Attempts, UserAgent: "tillwatch/" + version, Log: log})
		if err != nil {
			return usageError{err}
		}
		// The webhook outlives ctx by the drain below.
		hctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		go func() { defer close(done); hook.Run(hctx) }()
		defer func() { stop(); <-done }()
	}
	w, err := subscribe.Dial(ctx, opts)
	if err != nil {
		if e.ctx.Err() != nil {
			return nil // Ctrl-C while connecting
		}
		return err
	}
	defer w.Close()
	notes, err := c.openNotify(ctx, log)
	if err != nil {
		return err
	}
	defer notes.close()
	c.notes = notes
	out := newWatchPrinter(e.stdout, e.stderr, c.JSON)
	if out.loc, out.lang, err = c.words(); err != nil {
		return err
	}
	if !c.JSON {
		fmt.Fprintf(e.stderr, "watching %s on %s (Ctrl-C to stop)\n", c.Prefix, opts.Broker)
	}
	n, err := c.loop(ctx, w, out, hook)
	if hook != nil {
		// Give the webhook a moment to deliver what is queued.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		if derr := hook.Drain(dctx); derr != nil {
			err = errors.Join(err, derr)
		}
		cancel()
	}
	if err != nil {
		return err
	}
	if c.Once > 0 && n < c.Once {
		return fmt.Errorf("watch: %d of %d alerts arrived within %s", n, c.Once, c.Timeout)
	}
	return nil
}

// loop prints messages until ctx is done or --once is reached; it returns
// how many alerts were printed.
func (c *watchCmd) loop(ctx context.Context, w *subscribe.Watcher, out *watchPrinter, hook *subscribe.Webhook) (int, error) {
	n := 0
	for {
		select {
		case <-ctx.Done():
			return n, nil // Ctrl-C or --timeout: a normal end
		case m, ok := <-w.Messages():
			if !ok {
				return n, nil
			}
			switch {
			case m.Err != nil:
				fmt.Fprintf(out.errw, "tillwatch: %v\n", m.Err)
			case m.Status != nil:
				if !c.NoStatus {
					out.status(m)
				}
			case m.Alert != nil:
				if err := out.alert(m); err != nil {
					return n, err
				}
				if hook != nil {
					hook.Send(m.Alert.ID, m.Payload)
				}
				c.notes.offer(*m.Alert, out.errw)
				n++
				if c.Once > 0 && n >= c.Once {
					return n, nil
				}
			}
		}
	}
}

// words reads --tz and --lang.
func (c *watchCmd) words() (*time.Location, words.Lang, error) {
	loc := time.Local
	if c.TZ != "" {
		l, err := time.LoadLocation(c.TZ)
		if err != nil {
			return nil, "", usageError{fmt.Errorf("watch: --tz %q: %w", c.TZ, err)}
		}
		loc = l
	}
	if c.Lang == "" {
		return loc, "", nil
	}
	l, err := words.Parse(c.Lang)
	if err != nil {
		return nil, "", usageError{fmt.Errorf("watch: --lang: %w", err)}
	}
	return loc, l, nil
}

func (c *watchCmd) options() (subscribe.Options, error) {
	o := subscribe.Options{
		Broker: c.Broker, ClientID: c.ClientID, Username: c.Username, Password: os.Getenv("TILLWATCH_MQTT_PASSWORD"),
		Prefix: c.Prefix, Share: c.Share, NoStatus: c.JSON || c.NoStatus,
		Filter: subscribe.Filter{Sites: c.Site, Lanes: c.Lane, Kinds: c.Kind},
	}
	if o.ClientID == "" {
		host, _ := os.Hostname() // an empty host still makes a usable id
		o.ClientID = fmt.Sprintf("tillwatch-watch-%s-%d", host, os.Getpid())
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return o, usageError{fmt.Errorf("watch: --ca-file: %w", err)}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return o, usageError{fmt.Errorf("watch: --ca-file %s: no PEM certificate in it", c.CAFile)}
		}
		o.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return o, nil
}

// watchPrinter writes alerts and statuses as a table or JSON Lines.
type watchPrinter struct {
	w, errw io.Writer
	json    bool
	header  bool
	loc     *time.Location // of the TIME column and re-written summaries
	lang    words.Lang     // "" keeps the lane's summaries
}

func newWatchPrinter(w, errw io.Writer, asJSON bool) *watchPrinter {
	return &watchPrinter{w: w, errw: errw, json: asJSON}
}

const watchRow = "%-12s  %-24s  %-8s  %-23s  %-8s  %s\n"

func (p *watchPrinter) head() {
	if !p.header {
		fmt.Fprintf(p.w, watchRow, "TIME", "SITE/LANE", "SEVERITY", "KIND", "STATE", "SUMMARY")
		p.header = true
	}
}

func (p *watchPrinter) alert(m subscribe.Message) error {
	if p.json {
		var buf json.RawMessage = m.Payload
		if !json.Valid(buf) {
			return fmt.Errorf("watch: %s: invalid JSON", m.Topic)
		}
		_, err := fmt.Fprintf(p.w, "%s\n", compact(buf))
		return err
	}
	p.head()
	a := m.Alert
	when := a.Detected
	if when.IsZero() {
		when = a.Time
	}
	lang := p.lang
	if lang != "" {
		words.Localize(a, lang, p.loc)
	}
	badge := string(a.Severity)
	if a.State == detect.Resolved {
		badge = string(detect.Resolved) // a cleared fault is not critical
	}
	_, err := fmt.Fprintf(p.w, watchRow, p.clock(when), a.Site+"/"+a.Lane, badge, a.Kind, a.State, summaryOf(a))
	return err
}

func (p *watchPrinter) status(m subscribe.Message) {
	p.head()
	st := m.Status
	note := "lane " + st.State
	if st.Reason != "" {
		note += " (" + st.Reason + ")"
	}
	if st.Version != "" {
		note += ", agent " + st.Version
	}
	when := st.Since
	if when.IsZero() {
		when = time.Now()
	}
	fmt.Fprintf(p.w, watchRow, p.clock(when), m.Site+"/"+m.Lane, "", "status", st.State, note)
}

// clock is a time of day in the watcher's zone, the zone shown.
func (p *watchPrinter) clock(t time.Time) string {
	loc := p.loc
	if loc == nil {
		loc = time.Local
	}
	return t.In(loc).Format("15:04:05 MST")
}

func summaryOf(a *detect.Alert) string {
	if a.Summary != "" {
		return a.Summary
	}
	return a.ID
}

// compact removes insignificant space, so one alert is one line.
func compact(b []byte) []byte {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return b
	}
	return out.Bytes()
}
