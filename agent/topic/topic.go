// Package topic is the MQTT contract's topic names: every topic a lane
// publishes or subscribes to is built here, from one prefix.
//
//	{prefix}/{site}/{lane}/alert/{kind}   alerts (QoS 1)
//	{prefix}/{site}/{lane}/status         retained, last will
//	{prefix}/{site}/{lane}/health         retained, periodic
//	{prefix}/{site}/{lane}/settlement     daily summaries (QoS 1)
//	{prefix}/{site}/{lane}/deadletter     outbox entries that do not decode
//	{prefix}/{site}/{lane}/cmd/{name}     remote commands (off by default)
//	{prefix}/{site}/{lane}/cmd/{name}/reply  a command's reply (or its reply_to)
package topic

import (
	"fmt"
	"strings"
)

// Prefix is the default first topic levels (mqtt.topic_prefix).
const Prefix = "tillwatch/v1"

// Lane names one lane's topics.
type Lane struct {
	prefix, site, lane string
	base               string // {prefix}/{site}/{lane}
}

// New returns the topics of site/lane under prefix ("" is Prefix).
func New(prefix, site, lane string) Lane {
	if prefix == "" {
		prefix = Prefix
	}
	return Lane{prefix: prefix, site: site, lane: lane, base: strings.Join([]string{prefix, site, lane}, "/")}
}

// Base is {prefix}/{site}/{lane}: every topic of the lane lies under it.
func (l Lane) Base() string { return l.base }

// Check reports a lane whose topics cannot be published or subscribed to
// as one lane's: no site or lane, or a wildcard or empty level in the
// prefix, site or lane name.
func (l Lane) Check() error {
	if l.site == "" || l.lane == "" {
		return fmt.Errorf("topic: %q: site and lane must be named", l.base)
	}
	if strings.ContainsAny(l.base, "+#\x00") || strings.Contains(l.base, "//") || strings.HasPrefix(l.base, "/") ||
		strings.Contains(l.site, "/") || strings.Contains(l.lane, "/") {
		return fmt.Errorf("topic: %q: a wildcard, a NUL or an empty level in the prefix, or a / in the site or lane", l.base)
	}
	return nil
}

// Alert is {prefix}/{site}/{lane}/alert/{kind}; kind "+" makes the filter
// of every kind.
func (l Lane) Alert(kind string) string { return l.base + "/alert/" + kind }

// Status is {prefix}/{site}/{lane}/status (retained, last will).
func (l Lane) Status() string { return l.base + "/status" }

// Health is {prefix}/{site}/{lane}/health (retained, periodic).
func (l Lane) Health() string { return l.base + "/health" }

// Settlement is {prefix}/{site}/{lane}/settlement.
func (l Lane) Settlement() string { return l.base + "/settlement" }

// DeadLetter is {prefix}/{site}/{lane}/deadletter.
func (l Lane) DeadLetter() string { return l.base + "/deadletter" }

// Commands is the filter of remote commands, {prefix}/{site}/{lane}/cmd/+.
func (l Lane) Commands() string { return l.Command("+") }

// Command is the topic of the remote command name,
// {prefix}/{site}/{lane}/cmd/{name}.
func (l Lane) Command(name string) string { return l.base + "/cmd/" + name }

// Reply is where the remote command name replies by default,
// {prefix}/{site}/{lane}/cmd/{name}/reply.
func (l Lane) Reply(name string) string { return l.Command(name) + "/" + replyLevel }

// replyLevel ends a command's reply topic.
const replyLevel = "reply"

// Parse takes apart a topic of this lane: like the package's Parse under
// the lane's prefix, and an error when the topic belongs to another lane.
func (l Lane) Parse(t string) (Topic, error) {
	tp, err := Parse(l.prefix, t)
	if err != nil {
		return Topic{}, err
	}
	if tp.Site != l.site || tp.Lane != l.lane {
		return Topic{}, fmt.Errorf("topic: %q is not under %s", t, l.base)
	}
	return tp, nil
}

// Channels: the level after {site}/{lane}.
const (
	ChannelAlert      = "alert"
	ChannelStatus     = "status"
	ChannelHealth     = "health"
	ChannelSettlement = "settlement"
	ChannelDeadLetter = "deadletter"
	ChannelCommand    = "cmd"
)

// Topic is a lane topic taken apart.
type Topic struct {
	Site, Lane string
	// Channel is the level after the lane: one of the Channel constants,
	// or another that a newer agent publishes.
	Channel string
	// Sub is what follows the channel: an alert's kind, a command's name
	// (and "/reply"); "" for status, health, settlement and dead letters.
	Sub string
}

// Command returns the name of the remote command a topic carries
// ({prefix}/{site}/{lane}/cmd/{name}); ok is false for any other topic,
// a command's reply included.
func (t Topic) Command() (name string, ok bool) {
	if t.Channel != ChannelCommand || t.Sub == "" || strings.Contains(t.Sub, "/") {
		return "", false
	}
	return t.Sub, true
}

// Parse takes apart a topic {prefix}/{site}/{lane}/{channel}[/{sub}]
// ("" prefix is Prefix).
func Parse(prefix, t string) (Topic, error) {
	if prefix == "" {
		prefix = Prefix
	}
	rest, ok := strings.CutPrefix(t, prefix+"/")
	if !ok {
		return Topic{}, fmt.Errorf("topic: %q is not under %q", t, prefix)
	}
	parts := strings.SplitN(rest, "/", 4)
	if len(parts) < 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return Topic{}, fmt.Errorf("topic: %q is not %s/{site}/{lane}/{channel}", t, prefix)
	}
	tp := Topic{Site: parts[0], Lane: parts[1], Channel: parts[2]}
	if len(parts) == 4 {
		if parts[3] == "" || strings.HasSuffix(parts[3], "/") {
			return Topic{}, fmt.Errorf("topic: %q ends in an empty level", t)
		}
		tp.Sub = parts[3]
	}
	return tp, nil
}
