package fleet

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/tillwatch/tillwatch/internal/natstest"
)

// natsNode adapts one node of a natstest.Cluster to Broker: Stop, Start
// and Freeze act on that node, Pids covers every node (the cluster's CPU
// and memory).
type natsNode struct {
	c  *natstest.Cluster
	nd *natstest.Node
}

func (b natsNode) URL() string   { return "tcp://" + b.nd.MQTTAddr }
func (b natsNode) Pids() []int   { return b.c.Pids() }
func (b natsNode) Stop() error   { return b.nd.Stop() }
func (b natsNode) Start() error  { return b.nd.Start() }
func (b natsNode) Freeze() error { return b.nd.Freeze() }

// streamLeader makes NATS create its MQTT streams (an MQTT connect) and
// returns the node that leads the stream QoS 1 messages are stored in.
func streamLeader(t *testing.T, c *natstest.Cluster) *natstest.Node {
	t.Helper()
	if err := touchMQTT(c.MQTTURLs()[0]); err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(c.NATSURLs()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), jsTimeout)
	defer cancel()
	var leader string
	if err := waitFor(ctx, jsTimeout, "a leader of "+natsMQTTStream, func() bool {
		st, err := js.Stream(ctx, natsMQTTStream)
		if err != nil {
			return false
		}
		info, err := st.Info(ctx)
		if err != nil || info.Cluster == nil {
			return false
		}
		leader = info.Cluster.Leader
		return leader != ""
	}); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(c.Nodes, func(nd *natstest.Node) bool { return nd.Name == leader })
	if i < 0 {
		t.Fatalf("stream leader %q is none of the cluster's nodes", leader)
	}
	return c.Nodes[i]
}

// TestFleetNATSCluster is the fleet simulation against a three-node NATS
// cluster (Debian's nats-server: MQTT listener, JetStream with three
// replicas): the lanes spread over the nodes through a balancer, the
// consumer group is a durable JetStream consumer (NATS's MQTT has no
// shared subscriptions: TestNATSSharedSubscription), and the node leading
// the stream that holds the alerts is frozen, killed and restarted
// mid-run. The delivery contract is the same as on one mosquitto: every
// stored alert arrives, duplicates are byte-identical copies under the same
// id, the outboxes end empty. FLEET_* variables size it (default: 150
// lanes, a busy hour at 60x). Without nats-server it fails, unless
// TILLWATCH_ALLOW_SKIP=1.
func TestFleetNATSCluster(t *testing.T) {
	if os.Getenv("FLEET_BROKER") != "" {
		t.Skip("FLEET_BROKER is set: TestFleetExternal runs against it instead")
	}
	c := natstest.StartCluster(t, 3, "")
	victim := streamLeader(t, c)
	cfg := envConfig(t)
	if cfg.Lanes == 0 {
		cfg.Lanes = 150
	}
	cfg.Spread = c.MQTTURLs()
	cfg.Restart = natsNode{c: c, nd: victim}
	cfg.Consume = JetStreamGroup{NATS: c.NATSURLs(), MQTT: c.MQTTURLs()[0], Durable: DefaultGroup, AckWait: 5 * time.Second}
	rep, err := Run(t.Context(), cfg)
	logReport(t, rep)
	if err != nil {
		for _, nd := range c.Nodes {
			t.Logf("%s output:\n%s", nd.Name, tail(nd.Output(), 3000))
		}
		t.Fatal(err)
	}
	checkReport(t, rep)
	if rep.Outage == nil {
		t.Fatal("no node was restarted")
	}
	for i, n := range rep.SpreadStart {
		if n == 0 {
			t.Errorf("node %d served no lane at the start %v: the lanes were not spread", i+1, rep.SpreadStart)
		}
	}
	if n := rep.Outage.SpreadDown[rep.Outage.Node]; n != 0 {
		t.Errorf("%d lanes on the killed node while it was down", n)
	}
}

// TestNATSSharedSubscription shows why the cluster run's consumers pull
// from JetStream: NATS (2.9, MQTT 3.1.1) acknowledges a subscription to
// $share/{group}/{filter} and delivers nothing to it, so a consumer group
// built on shared subscriptions would lose every alert without an error.
// A plain subscription beside it gets the alert. The shared outcome is
// logged, not asserted, so a NATS that learns shared subscriptions says so.
func TestNATSSharedSubscription(t *testing.T) {
	c := natstest.StartCluster(t, 1, "")
	url := c.MQTTURLs()[0]
	var plain, shared atomic.Int32
	sub := func(id, filter string, n *atomic.Int32) {
		t.Helper()
		cl := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID(id).SetProtocolVersion(4).
			SetCleanSession(true).SetAutoReconnect(false).
			SetDefaultPublishHandler(func(mqtt.Client, mqtt.Message) { n.Add(1) }))
		if tok := cl.Connect(); !tok.WaitTimeout(consumerTimeout) || tok.Error() != nil {
			t.Fatalf("%s: connect: %v", id, tokenErr(tok))
		}
		t.Cleanup(func() { cl.Disconnect(100) })
		tok := cl.Subscribe(filter, 1, nil)
		if !tok.WaitTimeout(consumerTimeout) || tok.Error() != nil {
			t.Fatalf("%s: subscribe %s: %v", id, filter, tokenErr(tok))
		}
		for _, code := range tok.(*mqtt.SubscribeToken).Result() {
			if code == 0x80 {
				t.Logf("%s: NATS refused %s", id, filter)
			}
		}
	}
	sub("probe-plain", AlertFilter, &plain)
	sub("probe-shared", ShareFilter("probe"), &shared)
	p := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("probe-publisher").SetProtocolVersion(4))
	if tok := p.Connect(); !tok.WaitTimeout(consumerTimeout) || tok.Error() != nil {
		t.Fatalf("publisher: %v", tokenErr(tok))
	}
	defer p.Disconnect(100)
	for i := range 3 {
		tok := p.Publish("tillwatch/v1/s/l/alert/print_failed", 1, false, fmt.Sprintf(`{"id":"a%d"}`, i))
		if !tok.WaitTimeout(consumerTimeout) || tok.Error() != nil {
			t.Fatalf("publish: %v", tokenErr(tok))
		}
	}
	if err := waitFor(t.Context(), consumerTimeout, "the plain subscription's 3 alerts", func() bool { return plain.Load() == 3 }); err != nil {
		t.Fatal(err)
	}
	// The plain copies went out after the shared ones would have: a
	// shared delivery would be in by now (same connection order, same node).
	if err := waitFor(t.Context(), time.Second, "shared copies", func() bool { return shared.Load() > 0 }); err != nil {
		t.Logf("this nats-server acknowledged %s and delivered none of 3 alerts: no shared subscriptions, hence JetStreamGroup", ShareFilter("probe"))
		return
	}
	t.Logf("this nats-server delivers to %s (%d of 3): it has shared subscriptions", ShareFilter("probe"), shared.Load())
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
