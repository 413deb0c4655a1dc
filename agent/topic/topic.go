// Package topic is the MQTT contract's topic names: every topic a lane
// publishes or subscribes to is built here, from one prefix.
//
//	{prefix}/{site}/{lane}/alert/{kind}   alerts (QoS 1)
//	{prefix}/{site}/{lane}/status         retained, last will
//	{prefix}/{site}/{lane}/health         retained, periodic
//	{prefix}/{site}/{lane}/settlement     daily summaries (QoS 1)
//	{prefix}/{site}/{lane}/deadletter     outbox entries that do not decode
//	{prefix}/{site}/{lane}/cmd/{name}     remote commands (off by default)
package topic

import "strings"

// Prefix is the default first topic levels (mqtt.topic_prefix).
const Prefix = "tillwatch/v1"

// Lane names one lane's topics.
type Lane struct {
	base string // {prefix}/{site}/{lane}
}

// New returns the topics of site/lane under prefix ("" is Prefix).
func New(prefix, site, lane string) Lane {
	if prefix == "" {
		prefix = Prefix
	}
	return Lane{base: strings.Join([]string{prefix, site, lane}, "/")}
}

// Base is {prefix}/{site}/{lane}: remote commands arrive under it.
func (l Lane) Base() string { return l.base }

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
func (l Lane) Commands() string { return l.base + "/cmd/+" }
