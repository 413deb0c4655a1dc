package fleet

import (
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	c, err := Config{Broker: "tcp://127.0.0.1:1883", Dir: "d"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.Lanes != 200 || c.Consumers != 3 || c.Speed != 60 || c.Hour != time.Hour || c.OutageAt != 24*time.Minute {
		t.Errorf("defaults: %+v", c)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no broker", Config{Dir: "d"}, "no broker"},
		{"no dir", Config{Broker: "tcp://h:1"}, "no database directory"},
		{"negative lanes", Config{Broker: "tcp://h:1", Dir: "d", Lanes: -1}, "must be positive"},
		{"too many per site", Config{Broker: "tcp://h:1", Dir: "d", LanesPerSite: 100}, "at most"},
		{"negative speed", Config{Broker: "tcp://h:1", Dir: "d", Speed: -1}, "negative"},
		{"card share", Config{Broker: "tcp://h:1", Dir: "d", CardShare: 2}, "0..1"},
		{"restart a node not in the cluster", Config{Dir: "d", Spread: []string{"tcp://a:1", "tcp://b:1"}, Restart: fakeBroker("tcp://c:1")}, "is not one of"},
		{"outage after the hour", Config{Broker: "tcp://h:1", Dir: "d", Hour: time.Minute, OutageAt: time.Hour}, "not within the hour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.cfg.withDefaults()
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "fleet: ") {
				t.Fatalf("err = %v, want one with %q", err, tc.want)
			}
		})
	}
}

// fakeBroker is a Broker that only has a URL.
type fakeBroker string

func (b fakeBroker) URL() string  { return string(b) }
func (b fakeBroker) Pids() []int  { return nil }
func (b fakeBroker) Stop() error  { return nil }
func (b fakeBroker) Start() error { return nil }

// TestConfigSpread: a cluster's first node is the broker URL by default,
// and the consumer group is the MQTT shared subscription unless set.
func TestConfigSpread(t *testing.T) {
	c, err := Config{Dir: "d", Spread: []string{"tcp://a:1", "tcp://b:1"}, Restart: fakeBroker("tcp://b:1")}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.Broker != "tcp://a:1" {
		t.Errorf("broker %q, want the first node", c.Broker)
	}
	if g, ok := c.Consume.(SharedGroup); !ok || g.Broker != "tcp://a:1" || g.Name != DefaultGroup {
		t.Errorf("consume %#v, want the shared subscription on the first node", c.Consume)
	}
}
