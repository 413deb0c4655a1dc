package agent

import (
	"encoding/json"
	"fmt"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/uplink"
	"github.com/tillwatch/tillwatch/configs"
)

// AlertTopic is tillwatch/v1/{site}/{lane}/alert/{kind}.
func AlertTopic(cfg *configs.Config, kind string) string {
	return fmt.Sprintf("%s/%s/%s/alert/%s", prefix(cfg), cfg.Site, cfg.Lane, kind)
}

// StatusTopic is tillwatch/v1/{site}/{lane}/status (retained, last will).
func StatusTopic(cfg *configs.Config) string {
	return fmt.Sprintf("%s/%s/%s/status", prefix(cfg), cfg.Site, cfg.Lane)
}

func prefix(cfg *configs.Config) string {
	if cfg.MQTT.TopicPrefix == "" {
		return "tillwatch/v1"
	}
	return cfg.MQTT.TopicPrefix
}

// AlertMessage is the MQTT message of an alert: QoS 1, not retained.
func AlertMessage(cfg *configs.Config, al detect.Alert) (uplink.Message, error) {
	b, err := json.Marshal(al)
	if err != nil {
		return uplink.Message{}, fmt.Errorf("agent: encode alert %s: %w", al.ID, err)
	}
	return uplink.Message{Topic: AlertTopic(cfg, al.Kind), Payload: b}, nil
}
