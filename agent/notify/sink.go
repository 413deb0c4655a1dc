package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/uplink"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/buffer"
)

// Source is a sink's durable feed of alerts: what it has not delivered
// yet, oldest first. A buffer.Queue is one.
type Source interface {
	Pending(limit int) ([]buffer.Item, error)
	DoneAll(ids []string) error
	Changed() <-chan struct{}
}

// Sink delivers one channel's alerts from its Source. Step does one round
// at a given time and says when to come back; Run calls it on the real
// clock. A Sink is used by one goroutine.
type Sink struct {
	Name    string
	src     Source
	ch      Channel
	spec    Spec
	filter  Filter
	quiet   *Quiet
	esc     *Escalation
	say     composer
	lim     *rate.Limiter
	log     *slog.Logger
	retryAt time.Time
	fails   int
}

// SinkOptions configure a Sink beyond its channel.
type SinkOptions struct {
	Filter Filter
	Quiet  *Quiet
	// Escalate, if set, re-sends the channel's warnings that stay
	// unresolved as critical alerts (see Escalation).
	Escalate *Escalation
	Voice    Voice
	Log      *slog.Logger
}

// Voice is the language and time zone of a channel's messages.
type Voice struct {
	Lang words.Lang
	Loc  *time.Location
}

// maxBatch bounds how many pending alerts one round reads.
const maxBatch = 500

// backoff bounds the wait after a failed send: it doubles from min to max.
const (
	backoffMin = 2 * time.Second
	backoffMax = 5 * time.Minute
)

// NewSink makes the sink of a channel.
func NewSink(name string, src Source, ch Channel, sp Spec, o SinkOptions) *Sink {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sink{
		Name: name, src: src, ch: ch, spec: sp, filter: o.Filter, quiet: o.Quiet, esc: o.Escalate,
		say: composer{lang: o.Voice.Lang, loc: o.Voice.Loc},
		lim: rate.NewLimiter(rate.Limit(sp.PerMinute/60), sp.Burst), log: log,
	}
}

// Step delivers what it can at now: at most one request. It returns when
// it wants to run again (now: there is more to send; a later time: a
// token, the end of a quiet period, an escalation or a retry; zero: when
// the source changes). An error is a failed delivery, already scheduled
// for retry.
func (s *Sink) Step(ctx context.Context, now time.Time) (time.Time, error) {
	items, err := s.src.Pending(maxBatch)
	if err != nil {
		return now.Add(backoffMin), fmt.Errorf("notify: %s: read: %w", s.Name, err)
	}
	var due, read []detect.Alert
	var taken []bool
	var skip []string
	var wake time.Time
	for _, it := range items {
		al, ok, err := decode(it.Value)
		if ok {
			read, taken = append(read, al), append(taken, s.filter.Pass(&al))
		}
		if err != nil || !ok || !s.filter.Pass(&al) {
			if err != nil {
				s.log.Warn("notify: unreadable alert dropped", "channel", s.Name, "id", it.ID, "error", err)
			}
			skip = append(skip, it.ID)
			continue
		}
		if until := s.quiet.Until(now); !until.IsZero() && al.Severity != detect.Critical {
			wake = until // waits for the end of the quiet period
			continue
		}
		due = append(due, al)
	}
	if err := s.esc.note(read, taken); err != nil {
		return now.Add(backoffMin), fmt.Errorf("notify: %s: %w", s.Name, err)
	}
	escAt, err := s.esc.fire(now, s.say.lang, s.log)
	if err != nil {
		return escAt, fmt.Errorf("notify: %s: %w", s.Name, err)
	}
	wake = earliest(wake, escAt)
	if len(skip) > 0 {
		if err := s.src.DoneAll(skip); err != nil {
			return now.Add(backoffMin), fmt.Errorf("notify: %s: %w", s.Name, err)
		}
	}
	if len(due) == 0 {
		return wake, nil
	}
	if now.Before(s.retryAt) {
		return earliest(s.retryAt, escAt), nil // the channel is down; escalations to another go on
	}
	r := s.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return now.Add(d), nil
	}
	m := s.say.compose(due, s.spec.MaxText)
	if err := s.ch.Send(ctx, m); err != nil {
		if ctx.Err() != nil {
			// Cut short by shutdown: not the channel's failure; the
			// alerts stay queued for the next start.
			return now, nil
		}
		s.fails++
		wait := min(backoffMin<<min(s.fails-1, 16), backoffMax)
		wait = max(wait, waitOf(err))
		s.retryAt = now.Add(wait)
		return s.retryAt, fmt.Errorf("notify: %s: %d alerts not delivered, next try in %s: %w", s.Name, len(m.IDs), wait, err)
	}
	s.fails = 0
	if err := s.src.DoneAll(m.IDs); err != nil {
		return now.Add(backoffMin), fmt.Errorf("notify: %s: delivered but not marked (they may be sent again): %w", s.Name, err)
	}
	if len(m.IDs) < len(due) {
		return now, nil
	}
	return wake, nil
}

// decode reads a queued item: an alert's JSON (Set.Offer), or an outbox
// message (outbox.Writer.AddReader): an alert's, or another message (a
// settlement summary) that is not for people (ok false).
func decode(v []byte) (al detect.Alert, ok bool, err error) {
	payload := v
	if len(v) > 0 && v[0] != '{' {
		m, err := uplink.DecodeMessage(v)
		if err != nil {
			return al, false, err
		}
		if !strings.Contains(m.Topic, "/alert/") {
			return al, false, nil
		}
		payload = m.Payload
	}
	if err := json.Unmarshal(payload, &al); err != nil {
		return al, false, err
	}
	return al, true, nil
}

// Run delivers until ctx is done, on the real clock.
func (s *Sink) Run(ctx context.Context) {
	for {
		next, err := s.Step(ctx, time.Now())
		if err != nil {
			s.log.Warn("notify: delivery failed", "channel", s.Name, "error", err)
		}
		var timer *time.Timer
		var fire <-chan time.Time
		if !next.IsZero() {
			d := time.Until(next)
			if d <= 0 {
				if ctx.Err() != nil {
					return
				}
				continue
			}
			timer = time.NewTimer(d)
			fire = timer.C
		}
		select {
		case <-ctx.Done():
		case <-fire:
		case <-s.src.Changed():
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}
