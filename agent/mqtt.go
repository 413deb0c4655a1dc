package agent

import (
	"os"
	"time"

	"github.com/tillwatch/tillwatch/agent/uplink"
)

func (a *Agent) newUplink() (*uplink.Uplink, error) {
	m := a.cfg.MQTT
	pw, err := m.Password(os.Getenv)
	if err != nil {
		return nil, err
	}
	tc, err := uplink.TLSConfig(m)
	if err != nil {
		return nil, err
	}
	ann, err := a.discovery()
	if err != nil {
		return nil, err
	}
	subs, err := a.remoteSubscriptions()
	if err != nil {
		return nil, err
	}
	id := m.ClientID
	if id == "" {
		id = "tillwatch-" + a.cfg.Site + "-" + a.cfg.Lane
	}
	return uplink.New(uplink.Config{
		Broker: m.Broker, ClientID: id, Username: m.Username, Password: pw, TLS: tc,
		StatusTopic: a.topics.Status(), DeadLetterTopic: a.topics.DeadLetter(),
		StatusExtra: map[string]any{"site": a.cfg.Site, "lane": a.cfg.Lane, "version": a.opts.Version},
		Announce:    ann,
		KeepAlive:   m.KeepAlive, ConnectTimeout: 10 * time.Second,
		BackoffMin: 500 * time.Millisecond, BackoffMax: m.BackoffMax, Inflight: m.Inflight,
		HealthTopic: a.topics.Health(), HealthEvery: m.HealthInterval, Health: a.healthPayload,
		Subscribe: subs,
	}, a.out.Queue(), a.log.With("part", "uplink")), nil
}
