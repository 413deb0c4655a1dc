package fleet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATS's MQTT listener stores every QoS 1 publication in this stream (on
// "$MQTT.msgs." + the topic as a subject) and sends the PUBACK only after
// the stream acknowledged the store; with three or more nodes the stream
// has three replicas. Its retention is by interest: a message is kept until
// every consumer whose filter matches acknowledged it, and one that no
// consumer matches is not kept at all.
const (
	natsMQTTStream        = "$MQTT_msgs"
	natsMQTTSubjectPrefix = "$MQTT.msgs."
)

// JetStreamGroup is the consumer group on a NATS cluster, whose MQTT
// listener has no shared subscriptions (NATS implements MQTT 3.1.1 only; a
// $share/... filter is taken as a literal topic and receives nothing). Its
// members are NATS clients pulling from one durable JetStream consumer on
// the stream NATS stores MQTT QoS 1 messages in, filtered to the alert
// topics: each message goes to one member, is redelivered after AckWait
// until a member acknowledges it, and the consumer's state is replicated
// like the stream's, so it survives the loss of a node.
type JetStreamGroup struct {
	// NATS lists the cluster's client URLs (nats://host:4222); a member
	// connects to one and fails over to the others.
	NATS []string
	// MQTT is one of the cluster's MQTT listeners: connecting there once
	// makes NATS create its MQTT streams when no MQTT client did yet.
	MQTT string
	// Durable names the JetStream consumer (the group).
	Durable string
	// AckWait is how long a delivered message waits for its ack before
	// another member gets it (0: 10 s).
	AckWait time.Duration
}

// jsTimeout bounds the JetStream API calls of joining and leaving.
const jsTimeout = 30 * time.Second

func (g JetStreamGroup) String() string {
	return fmt.Sprintf("JetStream consumer %q on %s filtered to %s", g.Durable, natsMQTTStream, g.filter())
}

// filter is AlertFilter as the subject NATS stores it under.
func (g JetStreamGroup) filter() string {
	f := strings.NewReplacer("/", ".", "+", "*", "#", ">").Replace(AlertFilter)
	return natsMQTTSubjectPrefix + f
}

// Join connects member i, creates the durable consumer if it is not there
// yet (every member asks for the same one), and starts pulling.
func (g JetStreamGroup) Join(i int, led *Ledger) (Member, error) {
	nc, err := nats.Connect(strings.Join(g.NATS, ","), nats.Name(fmt.Sprintf("%s-%d", g.Durable, i+1)),
		nats.MaxReconnects(-1), nats.ReconnectWait(200*time.Millisecond), nats.RetryOnFailedConnect(false))
	if err != nil {
		return nil, fmt.Errorf("fleet: consumer %d: connect %v: %w", i+1, g.NATS, err)
	}
	m := &jsMember{nc: nc}
	ctx, cancel := context.WithTimeout(context.Background(), jsTimeout)
	defer cancel()
	cons, err := g.consumer(ctx, nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("fleet: consumer %d: %w", i+1, err)
	}
	m.cc, err = cons.Consume(func(msg jetstream.Msg) {
		topic := strings.ReplaceAll(strings.TrimPrefix(msg.Subject(), natsMQTTSubjectPrefix), ".", "/")
		led.Received(i, topic, msg.Data(), time.Now())
		// A lost ack means a redelivery: a duplicate with the same id,
		// which the ledger counts.
		_ = msg.Ack()
	}, jetstream.PullMaxMessages(64))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("fleet: consumer %d: consume: %w", i+1, err)
	}
	m.subs.Add(1)
	return m, nil
}

// consumer creates (or finds) the group's durable consumer, first making
// sure the MQTT stream exists.
func (g JetStreamGroup) consumer(ctx context.Context, nc *nats.Conn) (jetstream.Consumer, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	if _, err := js.Stream(ctx, natsMQTTStream); errors.Is(err, jetstream.ErrStreamNotFound) && g.MQTT != "" {
		if err := touchMQTT(g.MQTT); err != nil {
			return nil, err
		}
	}
	ackWait := g.AckWait
	if ackWait == 0 {
		ackWait = 10 * time.Second
	}
	var last error
	for ctx.Err() == nil {
		cons, err := js.CreateOrUpdateConsumer(ctx, natsMQTTStream, jetstream.ConsumerConfig{
			Durable:       g.Durable,
			FilterSubject: g.filter(),
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       ackWait,
			DeliverPolicy: jetstream.DeliverAllPolicy,
			MaxAckPending: 4096,
		})
		if err == nil {
			return cons, nil
		}
		last = err
		time.Sleep(200 * time.Millisecond) // the stream may still be electing its leader
	}
	return nil, fmt.Errorf("durable consumer %q on %s: %w", g.Durable, natsMQTTStream, last)
}

// touchMQTT connects an MQTT client once, so that NATS sets up its MQTT
// streams for the account.
func touchMQTT(url string) error {
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("tillwatch-fleet-setup").
		SetCleanSession(true).SetProtocolVersion(4).SetAutoReconnect(false))
	if tok := c.Connect(); !tok.WaitTimeout(jsTimeout) || tok.Error() != nil {
		return fmt.Errorf("connect %s to create the MQTT streams: %v", url, tokenErr(tok))
	}
	c.Disconnect(100)
	return nil
}

// Close deletes the durable consumer, so that the interest-retention
// stream stops keeping alerts for a group that is gone.
func (g JetStreamGroup) Close() error {
	nc, err := nats.Connect(strings.Join(g.NATS, ","))
	if err != nil {
		return fmt.Errorf("fleet: delete consumer %q: %w", g.Durable, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("fleet: delete consumer %q: %w", g.Durable, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), jsTimeout)
	defer cancel()
	if err := js.DeleteConsumer(ctx, natsMQTTStream, g.Durable); err != nil {
		return fmt.Errorf("fleet: delete consumer %q: %w", g.Durable, err)
	}
	return nil
}

// jsMember is one puller of a JetStreamGroup.
type jsMember struct {
	nc   *nats.Conn
	cc   jetstream.ConsumeContext
	subs atomic.Uint64
}

// Subscribed is 1 once pulling: the durable consumer lives in the cluster,
// not in a session a restart could forget.
func (m *jsMember) Subscribed() uint64 { return m.subs.Load() }

// Close stops pulling and disconnects (unacknowledged messages go to the
// other members after AckWait).
func (m *jsMember) Close() error {
	m.cc.Stop()
	return m.nc.Drain()
}
