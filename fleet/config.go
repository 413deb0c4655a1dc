package fleet

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Defaults of Config: the CI-sized run.
const (
	DefaultLanes         = 200
	DefaultLanesPerSite  = 8
	DefaultHour          = time.Hour
	DefaultSpeed         = 60
	DefaultCustomers     = 60 // per lane and hour: one every minute, a busy lane
	DefaultCardShare     = 0.7
	DefaultIncidents     = 0.08
	DefaultConsumers     = 3
	DefaultGroup         = "tillwatch-fleet"
	DefaultDrainTimeout  = 2 * time.Minute
	DefaultOutageFor     = 3 * time.Minute
	DefaultTickInterval  = 200 * time.Millisecond
	defaultOutageAtShare = 0.4
)

// Config sizes a fleet run. Zero fields take the Default values.
type Config struct {
	// Broker is the MQTT broker URL every lane and consumer connects to.
	// Empty: Run uses Config.Restart's URL, or the first of Spread.
	Broker string
	// Spread lists the MQTT URLs of a cluster's nodes: the lanes then
	// connect through a loopback balancer that hands each new connection
	// to the next node in turn, skipping nodes that refuse (a load
	// balancer or a DNS name in front of the cluster).
	Spread []string
	// Dir holds the shared Badger database; it must be empty or absent.
	Dir string

	// Lanes is the number of simulated lanes, LanesPerSite of them per
	// store: lane i is store-%03d/lane-%02d.
	Lanes, LanesPerSite int
	// Hour is the simulated period (virtual time) and Speed the time
	// compression: the run lasts about Hour/Speed of wall time plus the
	// drain.
	Hour  time.Duration
	Speed float64
	// Customers is the mean number of customers per lane and hour of
	// shift (Poisson arrivals); CardShare of them pay by card. Incidents is the
	// share of customers whose sale goes wrong in one of the ways the
	// detector knows (see shift.go). The default 8% is far above what a
	// healthy store sees (well under 1%): a bad hour, so that a run
	// carries enough alerts to count.
	Customers, CardShare, Incidents float64
	// Seed makes the shifts (and so the alert ids) reproducible.
	Seed uint64

	// Consumers is the size of the consumer group, all subscribed to
	// $share/Group/tillwatch/v1/+/+/alert/# with persistent sessions.
	Consumers int
	Group     string
	// Consume is the consumer group the members join. Nil: a SharedGroup
	// ($share/Group/... on Broker), for brokers with shared subscriptions.
	Consume Group

	// Inflight is each uplink's Config.Inflight (0: the uplink default).
	Inflight int
	// TickInterval is how often (wall time) a lane looks at its clock:
	// it observes the events that fell due and advances its engine.
	TickInterval time.Duration
	// DrainTimeout bounds the wait, after the last lane finished its
	// shift, for every outbox to empty and every alert to arrive.
	DrainTimeout time.Duration

	// Broker restarts: with Restart set, Run stops the broker at OutageAt
	// (virtual time since the start of the shift, default 40% of Hour),
	// waits until every lane saw its connection end and the virtual clock
	// moved on by OutageFor, and starts it again. With Spread, Restart is
	// one node of the cluster: the lanes it served move to the others.
	Restart   Broker
	OutageAt  time.Duration
	OutageFor time.Duration
	// NoGate connects the lanes straight to a Restart broker instead of
	// through the gate (gate.go) that keeps them out after the restart
	// until every consumer subscribed again. With mosquitto 2.0 that loses
	// the alerts published in between: the broker does not keep shared
	// subscriptions across a restart.
	NoGate bool
}

// Freezer is a Broker that can also be paused (SIGSTOP): Run freezes it
// before the crash until some lanes have publications in flight, so the
// crash catches them unacknowledged and the uplinks must send them again.
type Freezer interface {
	Freeze() error
}

// Broker is a broker process Run may crash and restart, and whose CPU time
// and memory it reads.
type Broker interface {
	// URL is the broker's address for paho; it stays the same across
	// Stop and Start.
	URL() string
	// Pids are the running broker processes: the broker's, or every
	// node's of its cluster (none: no CPU and memory figures).
	Pids() []int
	// Stop kills the broker as a crash would; Start brings it back and
	// returns once it accepts connections.
	Stop() error
	Start() error
}

// withDefaults fills zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	switch {
	case c.Broker != "":
	case len(c.Spread) > 0:
		c.Broker = c.Spread[0]
	case c.Restart != nil:
		c.Broker = c.Restart.URL()
	}
	setInt(&c.Lanes, DefaultLanes)
	setInt(&c.LanesPerSite, DefaultLanesPerSite)
	setInt(&c.Consumers, DefaultConsumers)
	setDur(&c.Hour, DefaultHour)
	setDur(&c.TickInterval, DefaultTickInterval)
	setDur(&c.DrainTimeout, DefaultDrainTimeout)
	setDur(&c.OutageFor, DefaultOutageFor)
	setDur(&c.OutageAt, time.Duration(float64(c.Hour)*defaultOutageAtShare))
	setFloat(&c.Speed, DefaultSpeed)
	setFloat(&c.Customers, DefaultCustomers)
	setFloat(&c.CardShare, DefaultCardShare)
	setFloat(&c.Incidents, DefaultIncidents)
	if c.Group == "" {
		c.Group = DefaultGroup
	}
	if c.Consume == nil {
		c.Consume = SharedGroup{Broker: c.Broker, Name: c.Group}
	}
	switch {
	case c.Broker == "":
		return c, errors.New("fleet: config: no broker")
	case c.Dir == "":
		return c, errors.New("fleet: config: no database directory")
	case c.Lanes < 1 || c.LanesPerSite < 1 || c.Consumers < 1:
		return c, fmt.Errorf("fleet: config: lanes %d, lanes per site %d and consumers %d must be positive", c.Lanes, c.LanesPerSite, c.Consumers)
	case c.Lanes > 99999 || c.LanesPerSite > 99:
		return c, fmt.Errorf("fleet: config: at most 99999 lanes and 99 per site")
	case c.Hour < 0 || c.Speed < 0 || c.Customers < 0 || c.TickInterval < 0 || c.DrainTimeout < 0 || c.OutageFor < 0 || c.OutageAt < 0:
		return c, errors.New("fleet: config: negative duration, speed or rate")
	case c.CardShare < 0 || c.CardShare > 1 || c.Incidents < 0 || c.Incidents > 1:
		return c, fmt.Errorf("fleet: config: card share %v and incidents %v must be in 0..1", c.CardShare, c.Incidents)
	case c.Restart != nil && len(c.Spread) > 0 && !slices.Contains(c.Spread, c.Restart.URL()):
		return c, fmt.Errorf("fleet: config: the node to restart (%s) is not one of %v", c.Restart.URL(), c.Spread)
	case c.OutageAt >= c.Hour:
		return c, fmt.Errorf("fleet: config: outage at %v is not within the hour of %v", c.OutageAt, c.Hour)
	}
	return c, nil
}

func setInt(p *int, d int) {
	if *p == 0 {
		*p = d
	}
}

func setDur(p *time.Duration, d time.Duration) {
	if *p == 0 {
		*p = d
	}
}

func setFloat(p *float64, d float64) {
	if *p == 0 {
		*p = d
	}
}
