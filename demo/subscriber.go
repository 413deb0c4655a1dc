package demo

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/internal/connfail"
)

// Received is one MQTT message an alert subscriber got.
type Received struct {
	Topic   string
	Payload []byte
	Alert   detect.Alert
	Err     error // the payload was not an alert
}

// Subscriber is a remote alert subscriber: a separate MQTT client that
// receives every alert (QoS 1) of every lane.
type Subscriber struct {
	client mqtt.Client
	ch     chan Received
	mu     sync.Mutex
	closed bool
}

// AlertFilter subscribes to every lane's alerts.
const AlertFilter = topic.Prefix + "/+/+/" + topic.ChannelAlert + "/#"

// Subscribe connects to broker and subscribes to filter; it retries the
// first connection for 10s and then says why it failed.
func Subscribe(broker, clientID, filter string) (*Subscriber, error) {
	return subscribe(broker, clientID, filter, 10*time.Second)
}

func subscribe(broker, clientID, filter string, wait time.Duration) (*Subscriber, error) {
	s := &Subscriber{ch: make(chan Received, 1024)}
	var why connfail.Record
	opts := mqtt.NewClientOptions().AddBroker(broker).SetClientID(clientID).SetConnectionNotificationHandler(why.Handler).
		SetCleanSession(true).SetAutoReconnect(true).SetConnectRetry(true).
		SetConnectRetryInterval(200 * time.Millisecond).SetMaxReconnectInterval(time.Second).
		SetOrderMatters(true)
	opts.SetOnConnectHandler(func(c mqtt.Client) {
		// (Re)subscribe on every connect: the session is clean.
		c.Subscribe(filter, 1, s.onMessage)
	})
	s.client = mqtt.NewClient(opts)
	tok := s.client.Connect()
	if !tok.WaitTimeout(wait) {
		s.client.Disconnect(0)
		return nil, fmt.Errorf("demo: subscriber: %w", why.Timeout(broker, wait))
	}
	if err := tok.Error(); err != nil {
		s.client.Disconnect(0)
		return nil, fmt.Errorf("demo: subscriber: connect %s: %w", broker, err)
	}
	return s, nil
}

func (s *Subscriber) onMessage(_ mqtt.Client, m mqtt.Message) {
	r := Received{Topic: m.Topic(), Payload: append([]byte(nil), m.Payload()...)}
	if err := json.Unmarshal(r.Payload, &r.Alert); err != nil {
		r.Err = fmt.Errorf("demo: %s: not an alert: %w", r.Topic, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.ch <- r
	}
}

// Messages delivers what arrives, in order.
func (s *Subscriber) Messages() <-chan Received { return s.ch }

// Close disconnects.
func (s *Subscriber) Close() {
	s.client.Disconnect(250)
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
}
