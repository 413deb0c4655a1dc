package hass_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/tillwatch/tillwatch/agent/hass"
)

var update = flag.Bool("update", false, "rewrite testdata/discovery.golden")

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
	if *update {
		if err := os.WriteFile("testdata/discovery.golden", got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/discovery.golden")
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got.String() != string(want) {
		t.Errorf("discovery differs (go test -update and review):\n%s", got.String())
	}
}

func TestDiscoveryRejectsWildcardPrefix(t *testing.T) {
	if _, err := hass.Discovery(hass.Lane{Prefix: "home/#", Site: "s", Lane: "l", StatusTopic: "a", AlertTopics: "b"}); err == nil {
		t.Error("a wildcard in the topic was accepted")
	}
}
