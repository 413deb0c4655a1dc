package fleet

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/tillwatch/tillwatch/agent/topic"
)

// AlertFilter is every lane's alerts; ShareFilter puts it in a consumer
// group.
const AlertFilter = topic.Prefix + "/+/+/" + topic.ChannelAlert + "/#"

// ShareFilter is the shared subscription of consumer group group.
func ShareFilter(group string) string { return "$share/" + group + "/" + AlertFilter }

// consumerTimeout bounds connecting, subscribing and unsubscribing.
const consumerTimeout = 10 * time.Second

// Group is a consumer group: Run has each of Config.Consumers members
// join it before the lanes start, and closes them (then the group) at the
// end.
type Group interface {
	// Join starts member i; it records every alert the member receives
	// in led and returns once the member receives.
	Join(i int, led *Ledger) (Member, error)
	// Close releases what the group holds on the broker once every
	// member closed (a durable consumer, sessions).
	Close() error
	// String says what the members share, for the report.
	String() string
}

// Member is one consumer of a Group.
type Member interface {
	// Subscribed counts the subscriptions the broker acknowledged so far:
	// after a broker restart, the gate waits for a new one.
	Subscribed() uint64
	Close() error
}

// SharedGroup is the consumer group of MQTT brokers that have shared
// subscriptions (mosquitto, EMQX, HiveMQ, VerneMQ): each member is a paho
// client with a persistent session on ShareFilter(Name).
type SharedGroup struct {
	Broker, Name string
}

// Join connects member i and subscribes.
func (g SharedGroup) Join(i int, led *Ledger) (Member, error) {
	return startConsumer(g.Broker, g.Name, i, led)
}

// Close does nothing: each member ended its own session.
func (g SharedGroup) Close() error { return nil }

func (g SharedGroup) String() string { return ShareFilter(g.Name) }

// consumer is one member of the consumer group: a paho client with a
// persistent session (clean session off, a fixed client id), so that the
// broker queues its share of the alerts while it is away and a broker
// that keeps sessions across a restart delivers them afterwards.
type consumer struct {
	idx    int
	id     string
	broker string
	filter string
	client mqtt.Client

	subscribed chan struct{} // closed after the first SUBACK
	once       sync.Once
	subacks    atomic.Uint64 // successful subscriptions so far
	mu         sync.Mutex
	err        error // the latest subscribe error
}

// startConsumer connects consumer idx of group and subscribes; it returns
// once the first subscription is acknowledged.
func startConsumer(broker, group string, idx int, led *Ledger) (*consumer, error) {
	c := &consumer{idx: idx, id: fmt.Sprintf("%s-%d", group, idx+1), broker: broker,
		filter: ShareFilter(group), subscribed: make(chan struct{})}
	onMessage := func(_ mqtt.Client, m mqtt.Message) {
		led.Received(idx, m.Topic(), m.Payload(), time.Now())
	}
	opts := mqtt.NewClientOptions().AddBroker(broker).SetClientID(c.id).
		SetCleanSession(false).SetResumeSubs(false).SetProtocolVersion(4).
		SetAutoReconnect(true).SetConnectRetry(true).
		SetConnectRetryInterval(200 * time.Millisecond).SetMaxReconnectInterval(time.Second).
		SetKeepAlive(30 * time.Second).SetOrderMatters(false).
		// Messages the broker queued for the session arrive right after
		// CONNACK, before any SUBSCRIBE: the default handler takes them
		// (and, with no route added, every other message too).
		SetDefaultPublishHandler(onMessage).
		SetOnConnectHandler(func(cl mqtt.Client) {
			// Subscribe on every connect: a broker that lost the session
			// (no persistence) has forgotten the subscription.
			tok := cl.Subscribe(c.filter, 1, nil)
			go c.acked(tok)
		})
	c.client = mqtt.NewClient(opts)
	tok := c.client.Connect()
	if !tok.WaitTimeout(consumerTimeout) || tok.Error() != nil {
		c.client.Disconnect(0)
		return nil, fmt.Errorf("fleet: consumer %s: connect %s: %v", c.id, broker, tokenErr(tok))
	}
	select {
	case <-c.subscribed:
		return c, nil
	case <-time.After(consumerTimeout):
		c.client.Disconnect(0)
		return nil, fmt.Errorf("fleet: consumer %s: no SUBACK for %s: %v", c.id, c.filter, c.lastErr())
	}
}

// Subscribed counts acknowledged subscriptions.
func (c *consumer) Subscribed() uint64 { return c.subacks.Load() }

// acked waits for a SUBSCRIBE's token and records the outcome.
func (c *consumer) acked(tok mqtt.Token) {
	if !tok.WaitTimeout(consumerTimeout) {
		c.setErr(errors.New("fleet: subscribe timed out"))
		return
	}
	if err := tok.Error(); err != nil {
		c.setErr(fmt.Errorf("fleet: subscribe: %w", err))
		return
	}
	if st, ok := tok.(*mqtt.SubscribeToken); ok {
		for _, code := range st.Result() {
			if code == 0x80 {
				c.setErr(fmt.Errorf("fleet: broker refused %s", c.filter))
				return
			}
		}
	}
	c.subacks.Add(1)
	c.once.Do(func() { close(c.subscribed) })
}

func (c *consumer) setErr(err error) {
	c.mu.Lock()
	c.err = err
	c.mu.Unlock()
}

func (c *consumer) lastErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close unsubscribes, disconnects, and ends the persistent session (a
// clean-session connect discards it), so a long-lived broker does not
// keep queueing alerts for a consumer that is gone.
func (c *consumer) Close() error {
	var errs []error
	if tok := c.client.Unsubscribe(c.filter); !tok.WaitTimeout(consumerTimeout) || tok.Error() != nil {
		errs = append(errs, fmt.Errorf("fleet: consumer %s: unsubscribe: %v", c.id, tokenErr(tok)))
	}
	c.client.Disconnect(250)
	wipe := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(c.broker).SetClientID(c.id).
		SetCleanSession(true).SetProtocolVersion(4).SetAutoReconnect(false))
	if tok := wipe.Connect(); !tok.WaitTimeout(consumerTimeout) || tok.Error() != nil {
		errs = append(errs, fmt.Errorf("fleet: consumer %s: end session: %v", c.id, tokenErr(tok)))
	} else {
		wipe.Disconnect(250)
	}
	return errors.Join(errs...)
}

// tokenErr is a token's error, or a timeout.
func tokenErr(tok mqtt.Token) error {
	if err := tok.Error(); err != nil {
		return err
	}
	return errors.New("timed out")
}
