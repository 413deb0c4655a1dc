package demo

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/tillwatch/tillwatch/agent/detect"
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
const AlertFilter = "tillwatch/v1/+/+/alert/#"

// Subscribe connects to broker and subscribes to filter.
func Subscribe(broker, clientID, filter string) (*Subscriber, error) {
	s := &Subscriber{ch: make(chan Received, 1024)}
	opts := mqtt.NewClientOptions().AddBroker(broker).SetClientID(clientID).
		SetCleanSession(true).SetAutoReconnect(true).SetConnectRetry(true).
		SetConnectRetryInterval(200 * time.Millisecond).SetMaxReconnectInterval(time.Second).
		SetOrderMatters(true)
	opts.SetOnConnectHandler(func(c mqtt.Client) {
		// (Re)subscribe on every connect: the session is clean.
		c.Subscribe(filter, 1, s.onMessage)
	})
	s.client = mqtt.NewClient(opts)
	tok := s.client.Connect()
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		s.client.Disconnect(0)
		return nil, fmt.Errorf("demo: subscriber connect %s: %v", broker, tok.Error())
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
