package uplink

import (
	"context"
	"fmt"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// inboxSize bounds the messages received and not yet handled; beyond it
// new ones are dropped (and counted), so a flood costs memory only up to
// here.
const inboxSize = 16

// Subscription is a topic filter the uplink subscribes to on every connect
// (the session is clean, so the broker forgets subscriptions when the
// connection ends).
type Subscription struct {
	// Filter is the MQTT topic filter, e.g. tillwatch/v1/s/l/cmd/+.
	Filter string
	// QoS is the subscription's maximum QoS (0 or 1).
	QoS byte
	// Handle is called for each message, one at a time, in a goroutine of
	// the connection (ctx ends with it). The messages it returns are
	// published with QoS 1 on the same connection, not through the
	// outbox: a reply lost in an outage is not worth replaying.
	Handle func(ctx context.Context, topic string, payload []byte) []Message
}

// validate checks a subscription.
func (s Subscription) validate() error {
	if s.Filter == "" {
		return fmt.Errorf("empty filter")
	}
	if s.QoS > 1 {
		return fmt.Errorf("filter %q: QoS %d above 1", s.Filter, s.QoS)
	}
	if s.Handle == nil {
		return fmt.Errorf("filter %q: no handler", s.Filter)
	}
	return nil
}

// inbound is one received message waiting for its handler.
type inbound struct {
	sub     int // index into Config.Subscribe
	topic   string
	payload []byte
}

// subscribe subscribes to Config.Subscribe and waits for the SUBACKs. A
// filter the broker refuses (SUBACK 0x80, e.g. its ACL) is logged and
// recorded as the latest error, not fatal: alerts still flow.
func (s *session) subscribe(ctx context.Context) error {
	if len(s.cfg.Subscribe) == 0 {
		return nil
	}
	t := time.NewTimer(s.cfg.ConnectTimeout)
	defer t.Stop()
	for i, sub := range s.cfg.Subscribe {
		tok := s.c.Subscribe(sub.Filter, sub.QoS, s.receiver(i))
		if err := s.await(ctx, t, tok, "subscribe "+sub.Filter); err != nil {
			return err
		}
		if st, ok := tok.(*paho.SubscribeToken); ok {
			if q, ok := st.Result()[sub.Filter]; ok && q == 0x80 {
				err := fmt.Errorf("uplink: broker refused subscription %q (check its ACL)", sub.Filter)
				s.u.fail(err)
				s.u.log.Error("uplink: subscription refused", "filter", sub.Filter)
				continue
			}
		}
		s.u.log.Info("uplink: subscribed", "filter", sub.Filter)
	}
	return nil
}

// receiver returns paho's handler for subscription i: it queues the
// message without blocking and drops it when the inbox is full.
func (s *session) receiver(i int) paho.MessageHandler {
	return func(_ paho.Client, m paho.Message) {
		in := inbound{sub: i, topic: m.Topic(), payload: m.Payload()}
		select {
		case s.inbox <- in:
			s.u.count(func(st *Stats) { st.Received++ })
		default:
			s.u.count(func(st *Stats) { st.ReceivedDropped++ })
			s.u.log.Warn("uplink: inbox full, message dropped", "topic", m.Topic())
		}
	}
}

// serve handles received messages until ctx is done and publishes the
// handlers' replies. It returns a function that stops it and waits.
func (s *session) serve(ctx context.Context) (stop func()) {
	if len(s.cfg.Subscribe) == 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case in := <-s.inbox:
				for _, m := range s.cfg.Subscribe[in.sub].Handle(ctx, in.topic, in.payload) {
					s.reply(ctx, m)
				}
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}

// reply publishes one handler reply (QoS 1) and waits for its PUBACK.
func (s *session) reply(ctx context.Context, m Message) {
	if err := m.Validate(); err != nil {
		s.u.log.Error("uplink: invalid reply not sent", "topic", m.Topic, "error", err)
		return
	}
	tok := s.c.Publish(m.Topic, 1, m.Retain, m.Payload)
	t := time.NewTimer(s.cfg.ConnectTimeout)
	defer t.Stop()
	select {
	case <-tok.Done():
		if err := tok.Error(); err != nil {
			s.u.log.Warn("uplink: reply not delivered", "topic", m.Topic, "error", err)
			return
		}
		s.u.count(func(st *Stats) { st.Replies++ })
	case <-t.C:
		s.u.log.Warn("uplink: reply not acked", "topic", m.Topic, "within", s.cfg.ConnectTimeout)
	case <-ctx.Done():
	}
}
