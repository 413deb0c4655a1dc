package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
)

// QueuePrefix starts the name of each channel's delivery queue in the
// lane's database ("notify-<name>"); EscalatePrefix the name of the
// warnings its escalation waits on ("notify-escalate.<name>"; channel
// names hold no '.', so no channel queue has that name).
const (
	QueuePrefix    = "notify-"
	EscalatePrefix = "notify-escalate."
)

// Set is the channels of one agent (or watch): Offer gives each a new
// alert, Run delivers.
type Set struct {
	sinks   []*Sink
	queues  []*buffer.Queue
	filters []Filter
	log     *slog.Logger
}

// SetOptions tune a Set.
type SetOptions struct {
	// Voice is the default language and zone (the lane's).
	Voice Voice
	// Getenv reads secrets from the environment; default os.Getenv.
	Getenv func(string) string
	// Client does HTTP requests; default per channel.
	Client *http.Client
	// Limits bound each channel's queue like the outbox (bytes, age).
	Limits buffer.Limits
	Log    *slog.Logger
}

// Open builds the channels cfg lists on db's queues. An empty list is a
// Set that does nothing.
func Open(db *buffer.DB, list []configs.Notify, o SetOptions) (*Set, error) {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Set{log: o.Log}
	queues := map[string]*buffer.Queue{}
	for i := range list {
		q := db.Queue(QueuePrefix + list[i].Name)
		q.SetLimits(o.Limits)
		queues[list[i].Name] = q
	}
	for i := range list {
		n := &list[i]
		sp, err := spec(n.Type)
		if err != nil {
			return nil, err
		}
		c, err := channelConfig(n, o)
		if err != nil {
			return nil, err
		}
		ch, err := sp.New(c)
		if err != nil {
			return nil, fmt.Errorf("notify %s: %w", n.Name, err)
		}
		v := o.Voice
		if n.Locale != "" {
			v.Lang = words.Of(n.Locale)
		}
		q, err := ParseQuiet(n.QuietHours, v.Loc)
		if err != nil {
			return nil, err
		}
		f := Filter{MinSeverity: detect.Severity(n.MinSeverity), Kinds: n.Kinds, Lanes: n.Lanes, NoResolved: n.NoResolved}
		queue := queues[n.Name]
		var esc *Escalation
		if n.EscalateAfter > 0 {
			to, ok := queues[n.EscalateTo]
			if n.EscalateTo == "" {
				to, ok = queue, true
			}
			if !ok {
				return nil, fmt.Errorf("notify %s: escalate_to %q: no channel of that name", n.Name, n.EscalateTo)
			}
			watch := db.Queue(EscalatePrefix + n.Name)
			watch.SetLimits(o.Limits)
			esc = &Escalation{After: n.EscalateAfter, Watch: watch, To: to}
		}
		s.queues = append(s.queues, queue)
		s.filters = append(s.filters, f)
		s.sinks = append(s.sinks, NewSink(n.Name, queue, ch, sp, SinkOptions{Filter: f, Quiet: q, Escalate: esc, Voice: v, Log: o.Log}))
	}
	return s, nil
}

// channelConfig reads a channel's secrets.
func channelConfig(n *configs.Notify, o SetOptions) (Config, error) {
	u, err := n.URLOf(o.Getenv)
	if err != nil {
		return Config{}, err
	}
	sec, err := n.SecretOf(o.Getenv)
	if err != nil {
		return Config{}, err
	}
	return Config{Name: n.Name, Type: n.Type, URL: u, Secret: sec, ChatID: n.ChatID, SMTP: n.SMTP,
		Username: n.Username, From: n.From, To: n.To, Client: o.Client}, nil
}

// Attach gives each channel's queue to add, which makes it a reader of
// the lane's outbox (outbox.Writer.AddReader): the outbox's single writer
// then stores every alert in it too, holding it through a full disk. Call
// it before the first alert. A Set attached this way needs no Offer.
func (s *Set) Attach(add func(name string, q *buffer.Queue)) {
	if s == nil {
		return
	}
	for i, q := range s.queues {
		add(QueuePrefix+s.sinks[i].Name, q)
	}
}

// Len is the number of channels.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.sinks)
}

// Offer stores an alert in the queue of every channel whose filter takes
// it (once per id: an alert offered again after a restart is not queued
// twice). It returns the first storage error; the other channels still
// get the alert.
func (s *Set) Offer(al detect.Alert) error {
	if s.Len() == 0 {
		return nil
	}
	b, err := json.Marshal(al)
	if err != nil {
		return fmt.Errorf("notify: encode alert %s: %w", al.ID, err)
	}
	var first error
	for i, q := range s.queues {
		if !s.filters[i].Pass(&al) {
			continue
		}
		if _, err := q.Put(al.ID, buffer.ParseClass(string(al.Severity)), b); err != nil && first == nil {
			first = fmt.Errorf("notify %s: queue alert %s: %w", s.sinks[i].Name, al.ID, err)
		}
	}
	return first
}

// Run delivers on every channel, each on its own goroutine, until ctx is
// done.
func (s *Set) Run(ctx context.Context) {
	if s.Len() == 0 {
		return
	}
	var wg sync.WaitGroup
	for _, k := range s.sinks {
		wg.Add(1)
		go func() { defer wg.Done(); k.Run(ctx) }()
	}
	s.log.Info("notify: channels on", "channels", s.Len())
	wg.Wait()
}

// Sinks are the channels' sinks (tests step them on a fake clock).
func (s *Set) Sinks() []*Sink { return s.sinks }

// Drain waits until every channel's queue is empty or ctx is done (a
// short-lived watch delivers what it queued before it exits). It returns
// how many alerts are still queued.
func (s *Set) Drain(ctx context.Context) int {
	if s.Len() == 0 {
		return 0
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		left := 0
		for _, q := range s.queues {
			if n, err := q.Len(); err == nil {
				left += n
			}
		}
		if left == 0 {
			return 0
		}
		select {
		case <-ctx.Done():
			return left
		case <-tick.C:
		}
	}
}
