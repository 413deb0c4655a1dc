// Package hass builds Home Assistant MQTT discovery configs for a lane
// (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery): the
// lane becomes a device with an "Online" connectivity binary_sensor read
// from the lane's retained status topic, and an "Alert" event entity fed
// by the lane's alert topics, whose event_type is the alert kind and whose
// attributes are the alert's state, severity, summary and id. The agent
// publishes them retained on every connect (homeassistant.discovery).
package hass

import (
	"encoding/json"
	"fmt"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/uplink"
)

// Lane names the lane and its topics.
type Lane struct {
	// Prefix is the discovery prefix, normally "homeassistant".
	Prefix string
	// Site and Lane name the lane ([A-Za-z0-9_-]+, as in topics).
	Site, Lane string
	// StatusTopic is the lane's retained status topic and AlertTopics the
	// filter of its alert topics (tillwatch/v1/{site}/{lane}/alert/+).
	StatusTopic, AlertTopics string
	// Version is the agent's version.
	Version string
}

// Kinds are the event types of the alert entity: every kind of the
// contract.
func Kinds() []string {
	return []string{
		detect.KindPaymentWithoutReceipt, detect.KindAmountMismatch, detect.KindPartialApproval,
		detect.KindDuplicateCharge, detect.KindRefundWithoutSale, detect.KindReceiptWithoutPayment,
		detect.KindPrintFailed, detect.KindPrinterFault, detect.KindDeviceOffline, detect.KindSettlementMismatch,
	}
}

// eventTemplate turns an alert payload into Home Assistant's event
// payload: event_type plus attributes.
const eventTemplate = "{{ {'event_type': value_json.kind, 'state': value_json.state, 'severity': value_json.severity, " +
	"'summary': value_json.summary, 'id': value_json.id, 'incident': value_json.incident} | to_json }}"

type device struct {
	Identifiers  []string `json:"identifiers"`
	Name         string   `json:"name"`
	Manufacturer string   `json:"manufacturer"`
	Model        string   `json:"model"`
	SWVersion    string   `json:"sw_version,omitempty"`
}

type origin struct {
	Name       string `json:"name"`
	SWVersion  string `json:"sw_version,omitempty"`
	SupportURL string `json:"support_url,omitempty"`
}

type binarySensor struct {
	Name          string `json:"name"`
	UniqueID      string `json:"unique_id"`
	StateTopic    string `json:"state_topic"`
	ValueTemplate string `json:"value_template"`
	PayloadOn     string `json:"payload_on"`
	PayloadOff    string `json:"payload_off"`
	DeviceClass   string `json:"device_class"`
	AttrTopic     string `json:"json_attributes_topic"`
	Device        device `json:"device"`
	Origin        origin `json:"origin"`
}

type event struct {
	Name                string   `json:"name"`
	UniqueID            string   `json:"unique_id"`
	StateTopic          string   `json:"state_topic"`
	EventTypes          []string `json:"event_types"`
	ValueTemplate       string   `json:"value_template"`
	AvailabilityTopic   string   `json:"availability_topic"`
	AvailabilityTmpl    string   `json:"availability_template"`
	PayloadAvailable    string   `json:"payload_available"`
	PayloadNotAvailable string   `json:"payload_not_available"`
	Icon                string   `json:"icon"`
	Device              device   `json:"device"`
	Origin              origin   `json:"origin"`
}

// Discovery returns the lane's retained discovery messages: the binary
// sensor's config, then the event entity's.
func Discovery(l Lane) ([]uplink.Message, error) {
	node := "tillwatch_" + l.Site + "_" + l.Lane
	dev := device{Identifiers: []string{node}, Name: "Checkout " + l.Site + " " + l.Lane,
		Manufacturer: "tillwatch", Model: "checkout lane agent", SWVersion: l.Version}
	org := origin{Name: "tillwatch", SWVersion: l.Version}
	online := binarySensor{
		Name: "Online", UniqueID: node + "_online", StateTopic: l.StatusTopic,
		ValueTemplate: "{{ value_json.state }}", PayloadOn: "online", PayloadOff: "offline",
		DeviceClass: "connectivity", AttrTopic: l.StatusTopic, Device: dev, Origin: org,
	}
	alert := event{
		Name: "Alert", UniqueID: node + "_alert", StateTopic: l.AlertTopics, EventTypes: Kinds(),
		ValueTemplate: eventTemplate, AvailabilityTopic: l.StatusTopic, AvailabilityTmpl: "{{ value_json.state }}",
		PayloadAvailable: "online", PayloadNotAvailable: "offline", Icon: "mdi:cash-register", Device: dev, Origin: org,
	}
	var out []uplink.Message
	for _, c := range []struct {
		component string
		object    string
		config    any
	}{{"binary_sensor", "online", online}, {"event", "alert", alert}} {
		b, err := json.Marshal(c.config)
		if err != nil {
			return nil, fmt.Errorf("hass: %s config: %w", c.component, err)
		}
		m := uplink.Message{Topic: l.Prefix + "/" + c.component + "/" + node + "/" + c.object + "/config", Payload: b, Retain: true}
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("hass: %w", err)
		}
		out = append(out, m)
	}
	return out, nil
}
