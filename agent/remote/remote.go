package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/agent/uplink"
)

// Command names.
const (
	CmdPing          = "ping"
	CmdStatus        = "status"
	CmdJournalSearch = "journal_search"
)

// Commands lists every command the package knows.
var Commands = []string{CmdPing, CmdStatus, CmdJournalSearch}

// Defaults for zero Config fields.
const (
	DefaultRate  = 10.0 // requests per second
	DefaultBurst = 10
)

// Limits on what a request and a reply may carry.
const (
	// MaxRequest is the largest request payload read; larger ones are
	// answered (when the id can be read) with an error.
	MaxRequest = 4 << 10
	// MaxReply bounds a reply payload; journal_search drops entries to
	// fit and says "truncated".
	MaxReply = 64 << 10
	// maxLogged bounds the names remembered for log-once.
	maxLogged = 64
)

// Searcher searches the journal; *journal.Journal implements it.
type Searcher interface {
	Search(q journal.Query) ([]journal.Entry, error)
}

// Config configures a Handler.
type Config struct {
	// Topics are the lane's topics: commands arrive on Topics.Commands(),
	// replies go to Topics.Reply(name) or a reply_to under Topics.Base().
	Topics topic.Lane
	// Allow lists the commands answered; the rest get "not allowed".
	Allow []string
	// Version is the agent version ping reports.
	Version string
	// Now is the clock (default time.Now); Location the lane's time zone
	// for journal_search dates (default time.Local).
	Now      func() time.Time
	Location *time.Location
	// Status returns the lane's status snapshot (any JSON value).
	Status func() any
	// Journal answers journal_search.
	Journal Searcher
	// Currency is the lane's currency (ISO 4217 alpha): journal_search
	// reads its amount in this currency's minor units, as the CLI's
	// journal search --amount does ("1500" is 1500 pesos on a CLP lane).
	Currency string
	// Rate and Burst bound the requests handled (token bucket); zero
	// takes DefaultRate and DefaultBurst.
	Rate  float64
	Burst int
	// Log receives the handler's log (nil: discard).
	Log *slog.Logger
}

// Handler answers remote commands. Handle is called by the uplink.
type Handler struct {
	cfg    Config
	filter string
	lim    *limiter

	mu     sync.Mutex // guards logged
	logged map[string]bool
}

// New checks cfg and returns its Handler.
func New(cfg Config) (*Handler, error) {
	if err := cfg.Topics.Check(); err != nil {
		return nil, fmt.Errorf("remote: %w", err)
	}
	for _, c := range cfg.Allow {
		if !slices.Contains(Commands, c) {
			return nil, fmt.Errorf("remote: allow: unknown command %q (known: %s)", c, strings.Join(Commands, ", "))
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultBurst
	}
	return &Handler{
		cfg: cfg, filter: cfg.Topics.Commands(),
		lim:    newLimiter(cfg.Rate, cfg.Burst, cfg.Now()),
		logged: map[string]bool{},
	}, nil
}

// Filter is the topic filter to subscribe to: {prefix}/{site}/{lane}/cmd/+.
func (h *Handler) Filter() string { return h.filter }

// Subscription is the uplink subscription that feeds h (QoS 1).
func (h *Handler) Subscription() uplink.Subscription {
	return uplink.Subscription{Filter: h.filter, QoS: 1, Handle: h.Handle}
}

// Request is a command's payload.
type Request struct {
	ID      string          `json:"id"`
	Args    json.RawMessage `json:"args,omitempty"`
	ReplyTo string          `json:"reply_to,omitempty"`
}

// Reply is the payload of an answer.
type Reply struct {
	ID     string `json:"id"`
	OK     bool   `json:"ok"`
	Result any    `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Handle answers one message received on {prefix}/{site}/{lane}/cmd/{name}:
// nil (no reply) or one reply message.
func (h *Handler) Handle(ctx context.Context, t string, payload []byte) []uplink.Message {
	if dropped, ok := h.lim.take(h.cfg.Now()); !ok {
		if dropped > 0 {
			h.cfg.Log.Warn("remote: requests over the rate limit dropped", "dropped", dropped, "rate", h.cfg.Rate)
		}
		return nil
	}
	name, ok := h.command(t)
	if !ok {
		h.cfg.Log.Warn("remote: message outside the command topics ignored", "topic", t)
		return nil
	}
	req, err := parseRequest(payload)
	if err != nil {
		if req.ID == "" {
			h.cfg.Log.Warn("remote: unreadable request without an id, no reply", "command", name, "bytes", len(payload), "error", err)
			return nil
		}
		return h.reply(name, "", Reply{ID: req.ID, Error: err.Error()})
	}
	replyTo, rerr := h.replyTopic(req.ReplyTo)
	if rerr != nil {
		return h.reply(name, "", Reply{ID: req.ID, Error: rerr.Error()})
	}
	if !slices.Contains(Commands, name) {
		h.logOnce("unknown:"+name, "remote: unknown command", name)
		return h.reply(name, replyTo, Reply{ID: req.ID, Error: "unknown command"})
	}
	if !slices.Contains(h.cfg.Allow, name) {
		h.logOnce("denied:"+name, "remote: command not allowed by remote.allow", name)
		return h.reply(name, replyTo, Reply{ID: req.ID, Error: "not allowed"})
	}
	result, err := h.run(ctx, name, req.Args)
	if err != nil {
		h.cfg.Log.Info("remote: command failed", "command", name, "id", req.ID, "error", err)
		return h.reply(name, replyTo, Reply{ID: req.ID, Error: err.Error()})
	}
	h.cfg.Log.Info("remote: command answered", "command", name, "id", req.ID)
	return h.reply(name, replyTo, Reply{ID: req.ID, OK: true, Result: result})
}

// run executes an allowed command.
func (h *Handler) run(ctx context.Context, name string, args json.RawMessage) (any, error) {
	switch name {
	case CmdPing:
		return map[string]any{"pong": true, "version": h.cfg.Version, "time": h.cfg.Now().UTC()}, nil
	case CmdStatus:
		if h.cfg.Status == nil {
			return nil, fmt.Errorf("status not available")
		}
		return h.cfg.Status(), nil
	case CmdJournalSearch:
		return h.search(ctx, args)
	}
	return nil, fmt.Errorf("unknown command")
}

// command returns the name of the command topic t carries: one of this
// lane's command topics, its name at most 64 bytes of UTF-8 without
// wildcards or NUL.
func (h *Handler) command(t string) (string, bool) {
	tp, err := h.cfg.Topics.Parse(t)
	if err != nil {
		return "", false
	}
	name, ok := tp.Command()
	if !ok || len(name) > 64 || strings.ContainsAny(name, "+#\x00") || !utf8.ValidString(name) {
		return "", false
	}
	return name, true
}

// reply encodes r for the reply topic to (default: the command's reply
// topic).
func (h *Handler) reply(name, to string, r Reply) []uplink.Message {
	if to == "" {
		to = h.cfg.Topics.Reply(name)
	}
	b, err := json.Marshal(r)
	if err == nil && len(b) > MaxReply {
		err = fmt.Errorf("reply of %d bytes exceeds %d", len(b), MaxReply)
	}
	if err != nil {
		h.cfg.Log.Error("remote: reply not encodable", "command", name, "id", r.ID, "error", err)
		b, _ = json.Marshal(Reply{ID: r.ID, Error: "reply too large or not encodable"})
	}
	return []uplink.Message{{Topic: to, Payload: b}}
}

// logOnce logs msg for key only the first time (bounded memory).
func (h *Handler) logOnce(key, msg, name string) {
	h.mu.Lock()
	first := !h.logged[key] && len(h.logged) < maxLogged
	if first {
		h.logged[key] = true
	}
	h.mu.Unlock()
	if first {
		if len(name) > 64 {
			name = name[:64] + "..."
		}
		h.cfg.Log.Warn(msg, "command", name, "note", "logged once per command")
	}
}
