package agent

import (
	"fmt"

	"github.com/tillwatch/tillwatch/agent/hass"
	"github.com/tillwatch/tillwatch/agent/uplink"
)

// discovery returns the Home Assistant discovery configs the uplink
// publishes on every connect, or nil when homeassistant.discovery is off.
func (a *Agent) discovery() ([]uplink.Message, error) {
	h := a.cfg.HomeAssistant
	if !h.Discovery {
		return nil, nil
	}
	prefix := h.Prefix
	if prefix == "" {
		prefix = "homeassistant"
	}
	msgs, err := hass.Discovery(hass.Lane{
		Prefix: prefix, Site: a.cfg.Site, Lane: a.cfg.Lane, Version: a.opts.Version,
		StatusTopic: a.topics.Status(), AlertTopics: a.topics.Alert("+"),
	})
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	return msgs, nil
}
