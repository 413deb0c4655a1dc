package agent

import (
	"fmt"

	"github.com/tillwatch/tillwatch/agent/remote"
	"github.com/tillwatch/tillwatch/agent/uplink"
	"github.com/tillwatch/tillwatch/drivers"
)

// remoteSubscriptions returns the uplink subscription of remote commands
// when remote.enabled, else none (the agent subscribes to nothing).
func (a *Agent) remoteSubscriptions() ([]uplink.Subscription, error) {
	rc := a.cfg.Remote
	if !rc.Enabled {
		return nil, nil
	}
	h, err := remote.New(remote.Config{
		Topics: a.topics, Allow: rc.Allow, Version: a.opts.Version, Now: a.opts.Now,
		Status:   a.remoteStatus,
		Journal:  a.journal,
		Location: a.cfg.Location(),
		Currency: a.cfg.Currency(),
		Log:      a.log.With("part", "remote"),
	})
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	a.log.Info("remote commands on", "filter", h.Filter(), "allow", rc.Allow)
	return []uplink.Subscription{h.Subscription()}, nil
}

// remoteStatus is the status snapshot for the status command, its cards
// masked again at this boundary (the decoders mask them already).
func (a *Agent) remoteStatus() any {
	s := a.Snapshot()
	for i := range s.Payments {
		if s.Payments[i].Card != "" {
			s.Payments[i].Card = drivers.MaskPAN(s.Payments[i].Card)
		}
	}
	return s
}
