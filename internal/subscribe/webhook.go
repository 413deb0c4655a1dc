package subscribe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// WebhookOptions tune a Webhook; zero fields take the defaults.
type WebhookOptions struct {
	// Attempts is how often one alert is tried before it is given up;
	// default 8.
	Attempts int
	// BackoffMin and BackoffMax bound the wait between attempts, which
	// doubles each time (jittered to [d/2, d]); defaults 500ms and 30s.
	BackoffMin, BackoffMax time.Duration
	// Queue is how many alerts may wait; when full the oldest is dropped
	// (and counted). Default 1000.
	Queue int
	// Timeout bounds one POST; default 10s.
	Timeout time.Duration
	// UserAgent is sent with every POST.
	UserAgent string
	// Client does the POSTs; default a new http.Client.
	Client *http.Client
	// Log receives deliveries given up and drops; default discard.
	Log *slog.Logger
}

// WebhookStats count what a Webhook did.
type WebhookStats struct {
	Delivered, Failed, Dropped, Retries int
}

// Webhook POSTs each alert given to Send, as JSON, to one URL, one at a
// time and in order. A 2xx answer delivers it; a network error, a 5xx, 408
// or 429 is retried with backoff; any other answer fails it at once.
// Memory is bounded (Queue); nothing is kept across restarts.
type Webhook struct {
	url  string
	show string // url without a password, for errors and logs
	opts WebhookOptions

	mu      sync.Mutex
	queue   []webhookItem
	busy    bool // an item is being delivered
	stats   WebhookStats
	wake    chan struct{}
	drained chan struct{} // closed and replaced when queue and busy are empty
}

type webhookItem struct {
	id   string
	body []byte
}

// NewWebhook returns a Webhook posting to rawURL (http or https); Run
// delivers.
func NewWebhook(rawURL string, opts WebhookOptions) (*Webhook, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("subscribe: webhook URL %q: want http:// or https://host/...", redactURL(rawURL))
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 8
	}
	if opts.BackoffMin <= 0 {
		opts.BackoffMin = 500 * time.Millisecond
	}
	if opts.BackoffMax < opts.BackoffMin {
		opts.BackoffMax = max(30*time.Second, opts.BackoffMin)
	}
	if opts.Queue <= 0 {
		opts.Queue = 1000
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Client == nil {
		opts.Client = &http.Client{}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Webhook{url: rawURL, show: u.Redacted(), opts: opts, wake: make(chan struct{}, 1), drained: make(chan struct{})}, nil
}

// redactURL hides a password in a URL that may not parse.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		return "xxxxx" + s[i:]
	}
	return s
}

// Send queues an alert (its id and JSON payload) without blocking.
func (h *Webhook) Send(id string, payload []byte) {
	h.mu.Lock()
	if len(h.queue) >= h.opts.Queue {
		h.opts.Log.Warn("webhook: queue full, dropping the oldest alert", "id", h.queue[0].id)
		h.queue = h.queue[1:]
		h.stats.Dropped++
	}
	h.queue = append(h.queue, webhookItem{id: id, body: payload})
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Stats returns the counters.
func (h *Webhook) Stats() WebhookStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stats
}

// Run delivers queued alerts until ctx is done.
func (h *Webhook) Run(ctx context.Context) {
	for {
		it, ok := h.take()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-h.wake:
				continue
			}
		}
		err := h.deliver(ctx, it)
		h.mu.Lock()
		h.busy = false
		switch {
		case err == nil:
			h.stats.Delivered++
		case ctx.Err() == nil:
			h.stats.Failed++
			h.opts.Log.Error("webhook: alert not delivered", "id", it.id, "error", err)
		}
		h.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
	}
}

// take pops the next item, or signals drained.
func (h *Webhook) take() (webhookItem, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.queue) == 0 {
		close(h.drained)
		h.drained = make(chan struct{})
		return webhookItem{}, false
	}
	it := h.queue[0]
	h.queue = h.queue[1:]
	h.busy = true
	return it, true
}

// Drain waits until every queued alert was delivered or given up, or ctx
// is done. Run must be running.
func (h *Webhook) Drain(ctx context.Context) error {
	for {
		h.mu.Lock()
		idle := len(h.queue) == 0 && !h.busy
		ch := h.drained
		h.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			h.mu.Lock()
			n := len(h.queue) + b2i(h.busy)
			h.mu.Unlock()
			return fmt.Errorf("subscribe: webhook: %d alerts not delivered: %w", n, ctx.Err())
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// errPermanent marks answers not worth retrying.
var errPermanent = errors.New("not retried")

// deliver tries one item up to Attempts times.
func (h *Webhook) deliver(ctx context.Context, it webhookItem) error {
	d := h.opts.BackoffMin
	var err error
	for attempt := 1; ; attempt++ {
		err = h.post(ctx, it)
		if err == nil || errors.Is(err, errPermanent) || attempt >= h.opts.Attempts || ctx.Err() != nil {
			break
		}
		wait := d/2 + rand.N(d/2+1)
		h.opts.Log.Warn("webhook: retrying", "id", it.id, "attempt", attempt, "in", wait.Round(time.Millisecond), "error", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		h.mu.Lock()
		h.stats.Retries++
		h.mu.Unlock()
		d = min(2*d, h.opts.BackoffMax)
	}
	if err != nil {
		return fmt.Errorf("subscribe: webhook: %w", err)
	}
	return nil
}

func (h *Webhook) post(ctx context.Context, it webhookItem) error {
	ctx, cancel := context.WithTimeout(ctx, h.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(it.body))
	if err != nil {
		return fmt.Errorf("%w: %s", errPermanent, redactURL(err.Error()))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", it.id) // receivers can dedupe on it
	if h.opts.UserAgent != "" {
		req.Header.Set("User-Agent", h.opts.UserAgent)
	}
	resp, err := h.opts.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return fmt.Errorf("POST %s: %w", h.show, ue.Err) // url.Error quotes the URL whole
		}
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // reuse the connection
	resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return nil
	case c >= 500, c == http.StatusRequestTimeout, c == http.StatusTooManyRequests:
		return fmt.Errorf("POST %s: %s", h.show, resp.Status)
	default:
		return fmt.Errorf("%w: POST %s: %s", errPermanent, h.show, resp.Status)
	}
}
