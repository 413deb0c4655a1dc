package hass_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/tillwatch/tillwatch/agent/hass"
	"github.com/tillwatch/tillwatch/internal/golden"
)

func TestDiscovery(t *testing.T) {
	msgs, err := hass.Discovery(hass.Lane{
		Prefix: "homeassistant", Site: "store-042", Lane: "lane-3", Version: "v1.2.3",
		StatusTopic: "tillwatch/v1/store-042/lane-3/status", AlertTopics: "tillwatch/v1/store-042/lane-3/alert/+",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	for _, m := range msgs {
		if !m.Retain {
			t.Errorf("%s not retained", m.Topic)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, m.Payload, "", "  "); err != nil {
			t.Fatal(err)
		}
		got.WriteString(m.Topic + "\n" + pretty.String() + "\n\n")
	}
	golden.Check(t, "testdata/discovery.golden", got.Bytes())
}

func TestDiscoveryRejectsWildcardPrefix(t *testing.T) {
	if _, err := hass.Discovery(hass.Lane{Prefix: "home/#", Site: "s", Lane: "l", StatusTopic: "a", AlertTopics: "b"}); err == nil {
		t.Error("a wildcard in the topic was accepted")
	}
}
