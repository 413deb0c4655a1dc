package notify

import (
	"fmt"
	"slices"
	"strings"
)

// Spec is a channel type: the limits its service documents, set below
// them, and its constructor.
type Spec struct {
	Type string
	// PerMinute and Burst are the token bucket: sustained sends a minute
	// and how many may go at once.
	PerMinute float64
	Burst     int
	// MaxText is the most bytes of Message.Text one request carries.
	MaxText int
	New     func(c Config) (Channel, error)
}

// registry is the one place channel types are registered.
//
// Limits, from each service's documentation: WeCom group robots take 20
// messages a minute, markdown content up to 4096 bytes; DingTalk custom
// robots 20 a minute (then the robot is muted for 10 minutes), 20,000
// bytes; Feishu/Lark custom bots 100 a minute and 5 a second, request
// bodies up to 20 KB; Telegram bots about 20 messages a minute to one
// group, 4096 characters a message; ntfy.sh 60 requests at once then one
// every 5 s per visitor, 4096-byte messages; webhooks and e-mail have no
// documented limit (kept modest).
func registry() []Spec {
	return []Spec{
		{Type: "wecom", PerMinute: 18, Burst: 1, MaxText: 3800, New: newWeCom},
		{Type: "dingtalk", PerMinute: 18, Burst: 1, MaxText: 15000, New: newDingTalk},
		{Type: "feishu", PerMinute: 90, Burst: 4, MaxText: 15000, New: newFeishu},
		{Type: "telegram", PerMinute: 18, Burst: 1, MaxText: 3500, New: newTelegram},
		{Type: "ntfy", PerMinute: 10, Burst: 5, MaxText: 3800, New: newNtfy},
		{Type: "email", PerMinute: 6, Burst: 2, MaxText: 60000, New: newEmail},
		{Type: "webhook", PerMinute: 120, Burst: 10, MaxText: 60000, New: newWebhook},
	}
}

// Types lists the channel types, for config validation.
func Types() []string {
	var ts []string
	for _, s := range registry() {
		ts = append(ts, s.Type)
	}
	return ts
}

// spec returns the Spec of a type.
func spec(typ string) (Spec, error) {
	i := slices.IndexFunc(registry(), func(s Spec) bool { return s.Type == typ })
	if i < 0 {
		return Spec{}, fmt.Errorf("notify: unknown channel type %q (have %s)", typ, strings.Join(Types(), ", "))
	}
	return registry()[i], nil
}
