package subscribe

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/internal/connfail"
)

// DefaultPrefix is the contract's first topic levels.
const DefaultPrefix = topic.Prefix

// Options configure a Watcher.
type Options struct {
	// Broker is the broker URL (tcp://, ssl://, ws://, wss://).
	Broker string
	// ClientID should be unique on the broker; empty lets paho pick one.
	ClientID string
	// Username and Password authenticate (optional).
	Username, Password string
	// TLS configures ssl:// and wss:// brokers (nil: system roots).
	TLS *tls.Config
	// Prefix is the contract's first topic levels; default DefaultPrefix.
	Prefix string
	// Share, when set, subscribes to alerts as a member of the shared
	// subscription group $share/{Share}/...: the broker gives each alert
	// to one member. Statuses are not shared.
	Share string
	// Filter selects sites, lanes and kinds.
	Filter Filter
	// NoStatus leaves the lanes' status topics out.
	NoStatus bool
	// DedupSize is how many alert ids are remembered; default
	// DefaultDedupSize.
	DedupSize int
	// ConnectTimeout bounds the first connection; default 10s.
	ConnectTimeout time.Duration
}

// Message is one alert or lane status that passed the filter and was not
// seen before.
type Message struct {
	Topic string
	Site  string
	Lane  string
	// Alert is set for alerts; Payload is then the alert exactly as
	// published (forward it as is).
	Alert   *detect.Alert
	Payload []byte
	// Status is set for lane status changes.
	Status *Status
	// Err is set when the payload did not decode; the message carries the
	// topic only.
	Err error
}

// Status is a lane's retained status: online, or offline with a reason.
type Status struct {
	State   string    `json:"state"`
	Reason  string    `json:"reason,omitempty"`
	Since   time.Time `json:"since,omitzero"`
	Version string    `json:"version,omitempty"`
}

// Watcher receives a fleet's alerts and statuses. Close it when done.
type Watcher struct {
	opts   Options
	client mqtt.Client
	out    chan Message
	done   chan struct{}
	once   sync.Once

	sendMu sync.RWMutex // held (read) while sending on out; Close takes it to close out
	closed bool

	mu     sync.Mutex // guards dedup and states (paho calls from its goroutines)
	dedup  *Dedup
	states map[string]Status
}

// Dial connects to the broker and subscribes; it retries until the first
// connection succeeds, ctx is done or ConnectTimeout passed. Later
// connection losses are retried by paho, and every reconnect subscribes
// again (a clean session: alerts published while disconnected are lost
// for this watcher, so run it with a stable ClientID if that matters).
func Dial(ctx context.Context, opts Options) (*Watcher, error) {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	w := &Watcher{opts: opts, out: make(chan Message, 256), done: make(chan struct{}),
		dedup: NewDedup(opts.DedupSize), states: map[string]Status{}}
	if opts.DedupSize <= 0 {
		w.dedup = NewDedup(DefaultDedupSize)
	}
	alerts, status := opts.Filter.Topics(opts.Prefix)
	if opts.Share != "" {
		alerts = "$share/" + opts.Share + "/" + alerts
	}
	// The statuses are subscribed first, on their own: the broker sends a
	// request's retained messages only once it subscribed all its filters,
	// so with the alerts in the same request an alert published meanwhile
	// came before the lane's status.
	subs := []string{alerts}
	if !opts.NoStatus {
		subs = []string{status, alerts}
	}
	// subbed gets the first subscriptions' outcome (nil: subscribed), so
	// Dial returns only once the broker delivers to this watcher: a
	// message published after Dial returned is not missed.
	subbed := make(chan error, 1)
	var why connfail.Record
	co := mqtt.NewClientOptions().AddBroker(opts.Broker).SetClientID(opts.ClientID).SetConnectionNotificationHandler(why.Handler).
		SetUsername(opts.Username).SetPassword(opts.Password).SetTLSConfig(opts.TLS).
		SetCleanSession(true).SetAutoReconnect(true).SetConnectRetry(true).
		SetConnectRetryInterval(500 * time.Millisecond).SetMaxReconnectInterval(10 * time.Second).
		SetConnectTimeout(opts.ConnectTimeout).SetOrderMatters(true)
	co.SetOnConnectHandler(func(c mqtt.Client) {
		go func() {
			var err error
			for _, f := range subs {
				tok := c.Subscribe(f, 1, w.onMessage)
				tok.Wait()
				if err = tok.Error(); err != nil {
					err = fmt.Errorf("subscribe: subscribe %s: %w", f, err)
					break
				}
			}
			select {
			case subbed <- err:
			default:
			}
		}()
	})
	w.client = mqtt.NewClient(co)
	started := time.Now()
	tok := w.client.Connect()
	ctx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	select {
	case <-tok.Done():
		if err := tok.Error(); err != nil {
			w.Close()
			return nil, fmt.Errorf("subscribe: connect %s: %w", opts.Broker, err)
		}
	case <-ctx.Done():
		w.Close()
		if why.Err() == nil && errors.Is(ctx.Err(), context.Canceled) {
			return nil, fmt.Errorf("subscribe: connect %s: %w", opts.Broker, ctx.Err())
		}
		return nil, fmt.Errorf("subscribe: %w", why.Timeout(opts.Broker, time.Since(started).Round(100*time.Millisecond)))
	}
	select {
	case err := <-subbed:
		if err != nil {
			w.Close()
			return nil, err
		}
	case <-ctx.Done():
		w.Close()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("subscribe: %s: no answer to the subscription within %s: %w", opts.Broker, opts.ConnectTimeout, ctx.Err())
		}
		return nil, fmt.Errorf("subscribe: %s: subscribe: %w", opts.Broker, ctx.Err())
	}
	return w, nil
}

// Messages delivers new alerts and status changes in arrival order. It is
// closed by Close.
func (w *Watcher) Messages() <-chan Message { return w.out }

// Close disconnects and closes Messages.
func (w *Watcher) Close() {
	w.once.Do(func() {
		close(w.done) // unblocks a send in progress
		w.client.Disconnect(250)
		w.sendMu.Lock()
		w.closed = true
		close(w.out)
		w.sendMu.Unlock()
	})
}

func (w *Watcher) onMessage(_ mqtt.Client, m mqtt.Message) {
	msg, ok := w.decode(m.Topic(), m.Payload())
	if !ok {
		return
	}
	w.sendMu.RLock()
	defer w.sendMu.RUnlock()
	if w.closed {
		return
	}
	// A slow reader holds up paho (and so the broker): backpressure,
	// nothing dropped. Close unblocks it.
	select {
	case w.out <- msg:
	case <-w.done:
	}
}

// decode turns a publication into a Message; ok is false for repeats and
// filtered ones.
func (w *Watcher) decode(t string, payload []byte) (Message, bool) {
	tp, err := topic.Parse(w.opts.Prefix, t)
	site, lane := tp.Site, tp.Lane
	msg := Message{Topic: t, Site: site, Lane: lane}
	switch {
	case err != nil:
		return msg, false
	case tp.Channel == topic.ChannelStatus && tp.Sub == "":
		var st Status
		if err := json.Unmarshal(payload, &st); err != nil {
			msg.Err = fmt.Errorf("subscribe: %s: not a status: %w", t, err)
			return msg, true
		}
		if !w.opts.Filter.Match(site, lane, "") || !w.changed(site+"/"+lane, st) {
			return msg, false
		}
		msg.Status = &st
		return msg, true
	}
	var al detect.Alert
	if err := json.Unmarshal(payload, &al); err != nil || al.ID == "" {
		if err == nil {
			err = fmt.Errorf("no id")
		}
		msg.Err = fmt.Errorf("subscribe: %s: not an alert: %w", t, err)
		return msg, true
	}
	if !w.opts.Filter.Match(al.Site, al.Lane, al.Kind) {
		return msg, false
	}
	w.mu.Lock()
	first := w.dedup.First(al.ID)
	w.mu.Unlock()
	if !first {
		return msg, false
	}
	msg.Alert, msg.Payload = &al, append([]byte(nil), payload...)
	return msg, true
}

// changed records a lane's status and reports whether it differs from the
// last one (a retained status comes again on every reconnect).
func (w *Watcher) changed(lane string, st Status) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if prev, ok := w.states[lane]; ok && prev.State == st.State && prev.Since.Equal(st.Since) && prev.Reason == st.Reason {
		return false
	}
	w.states[lane] = st
	return true
}
