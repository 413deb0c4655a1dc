package topic_test

import (
	"testing"

	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/configs"
)

func TestLaneTopics(t *testing.T) {
	l := topic.New("", "store-7", "lane-2")
	for _, c := range []struct{ got, want string }{
		{l.Alert("amount_mismatch"), "tillwatch/v1/store-7/lane-2/alert/amount_mismatch"},
		{l.Status(), "tillwatch/v1/store-7/lane-2/status"},
		{l.Health(), "tillwatch/v1/store-7/lane-2/health"},
		{l.Settlement(), "tillwatch/v1/store-7/lane-2/settlement"},
		{l.DeadLetter(), "tillwatch/v1/store-7/lane-2/deadletter"},
		{l.Commands(), "tillwatch/v1/store-7/lane-2/cmd/+"},
		{l.Command("ping"), "tillwatch/v1/store-7/lane-2/cmd/ping"},
		{l.Reply("ping"), "tillwatch/v1/store-7/lane-2/cmd/ping/reply"},
		{l.Base(), "tillwatch/v1/store-7/lane-2"},
		{topic.New("acme/pos", "s", "l").Status(), "acme/pos/s/l/status"},
		{topic.New("", "+", "+").Alert("#"), "tillwatch/v1/+/+/alert/#"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestConfigDefaultIsPrefix: configs cannot import agent/topic (configs
// sits below agent), so it spells the default prefix itself; this keeps
// the two the same.
func TestConfigDefaultIsPrefix(t *testing.T) {
	if got := configs.Default().MQTT.TopicPrefix; got != topic.Prefix || configs.DefaultTopicPrefix != topic.Prefix {
		t.Errorf("configs default topic prefix %q, topic.Prefix %q", got, topic.Prefix)
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		prefix, in string
		want       topic.Topic
		bad        bool
	}{
		{"", "tillwatch/v1/s1/l1/alert/amount_mismatch", topic.Topic{Site: "s1", Lane: "l1", Channel: "alert", Sub: "amount_mismatch"}, false},
		{"", "tillwatch/v1/s1/l1/status", topic.Topic{Site: "s1", Lane: "l1", Channel: "status"}, false},
		{"", "tillwatch/v1/s1/l1/cmd/ping/reply", topic.Topic{Site: "s1", Lane: "l1", Channel: "cmd", Sub: "ping/reply"}, false},
		{"acme/pos", "acme/pos/s/l/health", topic.Topic{Site: "s", Lane: "l", Channel: "health"}, false},
		{"", "tillwatch/v2/s1/l1/status", topic.Topic{}, true},
		{"", "tillwatch/v1/s1/l1", topic.Topic{}, true},
		{"", "tillwatch/v1//l1/status", topic.Topic{}, true},
		{"", "tillwatch/v1s1/l1/status", topic.Topic{}, true},
		{"", "tillwatch/v1/s1/l1/alert/", topic.Topic{}, true},
	} {
		got, err := topic.Parse(c.prefix, c.in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("Parse(%q, %q) = %+v, %v", c.prefix, c.in, got, err)
		}
	}
	// What New builds, Parse takes apart.
	l := topic.New("", "s9", "l9")
	if got, err := topic.Parse("", l.Alert("printer_fault")); err != nil || got != (topic.Topic{Site: "s9", Lane: "l9", Channel: topic.ChannelAlert, Sub: "printer_fault"}) {
		t.Errorf("round trip: %+v, %v", got, err)
	}
}

// TestLaneRoundTrip: every topic a Lane builds, its Parse takes apart to
// the channel and sub it was built from; only a command's own topic names
// a command; another lane's topics and other prefixes are refused.
func TestLaneRoundTrip(t *testing.T) {
	for _, prefix := range []string{"", "acme/pos"} {
		l := topic.New(prefix, "s1", "l1")
		for _, c := range []struct {
			topic, channel, sub, command string
		}{
			{l.Alert("amount_mismatch"), topic.ChannelAlert, "amount_mismatch", ""},
			{l.Status(), topic.ChannelStatus, "", ""},
			{l.Health(), topic.ChannelHealth, "", ""},
			{l.Settlement(), topic.ChannelSettlement, "", ""},
			{l.DeadLetter(), topic.ChannelDeadLetter, "", ""},
			{l.Command("journal_search"), topic.ChannelCommand, "journal_search", "journal_search"},
			{l.Reply("journal_search"), topic.ChannelCommand, "journal_search/reply", ""},
			{l.Base() + "/ops/r-1", "ops", "r-1", ""},
		} {
			got, err := l.Parse(c.topic)
			want := topic.Topic{Site: "s1", Lane: "l1", Channel: c.channel, Sub: c.sub}
			if err != nil || got != want {
				t.Errorf("Parse(%q) = %+v, %v; want %+v", c.topic, got, err, want)
			}
			if name, ok := got.Command(); name != c.command || ok != (c.command != "") {
				t.Errorf("Parse(%q).Command() = %q, %v; want %q", c.topic, name, ok, c.command)
			}
		}
		for _, other := range []string{
			topic.New(prefix, "s1", "l2").Command("ping"),
			topic.New(prefix, "s2", "l1").Status(),
			topic.New("other/v1", "s1", "l1").Command("ping"),
			l.Base(),
			l.Base() + "/",
		} {
			if got, err := l.Parse(other); err == nil {
				t.Errorf("Parse(%q) = %+v: another lane's topic accepted", other, got)
			}
		}
	}
}

func TestLaneCheck(t *testing.T) {
	for _, c := range []struct {
		l  topic.Lane
		ok bool
	}{
		{topic.New("", "s1", "l1"), true},
		{topic.New("acme/pos", "s1", "l1"), true},
		{topic.Lane{}, false},
		{topic.New("", "", "l1"), false},
		{topic.New("", "s1", ""), false},
		{topic.New("", "+", "l1"), false},
		{topic.New("", "s1", "#"), false},
		{topic.New("", "s1", "l1/x"), false},
		{topic.New("acme/", "s1", "l1"), false},
		{topic.New("/acme", "s1", "l1"), false},
	} {
		if err := c.l.Check(); (err == nil) != c.ok {
			t.Errorf("%q: Check() = %v", c.l.Base(), err)
		}
	}
}

// FuzzParse: whatever Parse accepts, it took apart losslessly.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"tillwatch/v1/s1/l1/alert/amount_mismatch", "tillwatch/v1/s/l/status", "tillwatch/v1/s/l/cmd/x/reply", "tillwatch/v1//", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tp, err := topic.Parse("", s)
		if err != nil {
			return
		}
		back := topic.Prefix + "/" + tp.Site + "/" + tp.Lane + "/" + tp.Channel
		if tp.Sub != "" {
			back += "/" + tp.Sub
		}
		if back != s {
			t.Fatalf("Parse(%q) = %+v, which is %q", s, tp, back)
		}
	})
}
