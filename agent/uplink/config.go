package uplink

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/tillwatch/tillwatch/agent/topic"
)

// Defaults applied by Run to zero Config fields.
const (
	DefaultKeepAlive      = 30 * time.Second
	DefaultConnectTimeout = 10 * time.Second
	DefaultBackoffMin     = 500 * time.Millisecond
	DefaultBackoffMax     = 60 * time.Second
	DefaultInflight       = 16
	DefaultHealthEvery    = 60 * time.Second
)

// maxInflight bounds Config.Inflight well below the 65535 MQTT packet ids.
const maxInflight = 1024

// Config configures an Uplink. Zero durations and Inflight take the
// Default values.
type Config struct {
	// Broker is the broker URL: tcp://host:1883, ssl://host:8883,
	// ws://host/mqtt or wss://host/mqtt. Credentials belong in
	// Username/Password, not in the URL.
	Broker string
	// ClientID identifies the lane to the broker; keep it stable and
	// unique per lane. Empty lets the broker assign one.
	ClientID string
	// Username and Password authenticate; Password is never logged.
	Username, Password string
	// TLS configures ssl:// and wss:// connections (nil: system roots).
	TLS *tls.Config

	// StatusTopic (tillwatch/v1/{site}/{lane}/status) receives a retained
	// {"state":"online",...} on every connect, is the retained last will
	// {"state":"offline",...}, and gets a retained offline on clean stop.
	// Empty disables status and last will.
	StatusTopic string
	// StatusExtra adds fields (site, lane, version) to every status
	// payload; it cannot override "state".
	StatusExtra map[string]any
	// Announce are published (QoS 1, retained as each says) right after
	// the online status on every connect, e.g. Home Assistant discovery
	// configs; the connection counts as up once they are acked.
	Announce []Message
	// DeadLetterTopic receives outbox entries whose value does not decode
	// (see the package doc): a lane's topic.Lane.DeadLetter(). Empty:
	// tillwatch/v1/deadletter.
	DeadLetterTopic string

	// KeepAlive is the MQTT keep-alive; ConnectTimeout bounds one
	// connection attempt (dial, TLS, CONNACK) and the status publications.
	KeepAlive, ConnectTimeout time.Duration
	// BackoffMin and BackoffMax bound the reconnect delay, which doubles
	// after each failure and is jittered to [d/2, d].
	BackoffMin, BackoffMax time.Duration
	// Inflight is the most outbox entries published but not yet acked.
	Inflight int

	// HealthTopic (tillwatch/v1/{site}/{lane}/health) receives the
	// payload Health returns right after every connect and then every
	// HealthEvery, retained, QoS 1, not persisted in the outbox: a lost
	// health message is replaced by the next one. Empty HealthTopic or nil
	// Health disables it.
	HealthTopic string
	HealthEvery time.Duration
	Health      func() ([]byte, error)

	// Subscribe lists topic filters subscribed to on every connect (after
	// the announcements) with their handlers, e.g. remote commands. Empty:
	// the uplink subscribes to nothing.
	Subscribe []Subscription
}

// withDefaults returns c with defaults filled in, or the first problem.
func (c Config) withDefaults() (Config, error) {
	if c.Broker == "" {
		return c, fmt.Errorf("uplink: config: empty 'broker'")
	}
	u, err := url.Parse(c.Broker)
	if err != nil {
		// url.Error quotes the whole URL, which may hold a password.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return c, fmt.Errorf("uplink: config: 'broker' is not a URL: %w", err)
	}
	switch u.Scheme {
	case "tcp", "mqtt", "ssl", "tls", "mqtts", "mqtt+ssl", "tcps", "ws", "wss":
	default:
		return c, fmt.Errorf("uplink: config: 'broker' %q: unknown scheme %q", redact(c.Broker), u.Scheme)
	}
	if u.Host == "" {
		return c, fmt.Errorf("uplink: config: 'broker' %q: no host", redact(c.Broker))
	}
	if u.User != nil {
		return c, fmt.Errorf("uplink: config: 'broker' %q: put credentials in 'username'/'password', not in the URL", redact(c.Broker))
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.BackoffMin == 0 {
		c.BackoffMin = DefaultBackoffMin
	}
	if c.BackoffMax == 0 {
		c.BackoffMax = max(DefaultBackoffMax, c.BackoffMin)
	}
	if c.Inflight == 0 {
		c.Inflight = DefaultInflight
	}
	if c.HealthEvery == 0 {
		c.HealthEvery = DefaultHealthEvery
	}
	switch {
	case c.KeepAlive < time.Second:
		return c, fmt.Errorf("uplink: config: 'keep_alive' %v is below 1s", c.KeepAlive)
	case c.ConnectTimeout < 0:
		return c, fmt.Errorf("uplink: config: negative 'connect_timeout' %v", c.ConnectTimeout)
	case c.BackoffMin < 0 || c.BackoffMax < c.BackoffMin:
		return c, fmt.Errorf("uplink: config: 'backoff_min' %v and 'backoff_max' %v out of order", c.BackoffMin, c.BackoffMax)
	case c.Inflight < 1 || c.Inflight > maxInflight:
		return c, fmt.Errorf("uplink: config: 'inflight' %d not in 1..%d", c.Inflight, maxInflight)
	case c.HealthEvery < 0:
		return c, fmt.Errorf("uplink: config: negative 'health_interval' %v", c.HealthEvery)
	}
	if c.HealthTopic != "" {
		if err := (Message{Topic: c.HealthTopic}).Validate(); err != nil {
			return c, fmt.Errorf("uplink: config: 'health_topic': %w", err)
		}
	}
	if c.StatusTopic != "" {
		if err := (Message{Topic: c.StatusTopic}).Validate(); err != nil {
			return c, fmt.Errorf("uplink: config: 'status_topic': %w", err)
		}
	}
	for i, m := range c.Announce {
		if err := m.Validate(); err != nil {
			return c, fmt.Errorf("uplink: config: 'announce[%d]': %w", i, err)
		}
	}
	for i, sub := range c.Subscribe {
		if err := sub.validate(); err != nil {
			return c, fmt.Errorf("uplink: config: 'subscribe[%d]': %w", i, err)
		}
	}
	if _, err := statusPayload(c.StatusExtra, StateOnline, "", time.Time{}); err != nil {
		return c, fmt.Errorf("uplink: config: 'status_extra': %w", err)
	}
	if c.DeadLetterTopic == "" {
		c.DeadLetterTopic = topic.Prefix + "/" + topic.ChannelDeadLetter
	}
	if err := (Message{Topic: c.DeadLetterTopic}).Validate(); err != nil {
		return c, fmt.Errorf("uplink: config: 'dead_letter_topic': %w", err)
	}
	return c, nil
}

// redact hides any user info in a broker URL, for logs and errors.
func redact(broker string) string {
	u, err := url.Parse(broker)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User("xxxxx")
	}
	return u.String()
}
