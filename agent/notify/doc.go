// Package notify delivers a lane's alerts to where people look: chat
// robots (WeCom, DingTalk, Feishu/Lark), Telegram, ntfy, e-mail and
// webhooks. It is a sink beside the uplink (ARCHITECTURE.md, "sinks").
//
// Each configured channel is a Sink with its own durable Source (a Badger
// queue of its own in the lane's database: in the agent a reader of the
// outbox, fed by the outbox's single writer through Set.Attach and
// outbox.Writer.AddReader; in watch fed by Set.Offer): delivery is
// at-least-once, an agent restart loses nothing and
// does not resend what was delivered (an entry is removed only after the
// service accepted it), and one channel's outage holds back no other.
//
// A Sink respects its service's documented limits with a token bucket set
// below them (golang.org/x/time/rate, driven by the sink's injected clock)
// and never sends a body over the service's size limit. Alerts that pile
// up while it waits for a token go out together as one digest ("5 alerts
// at store-12/lane-3 since 11:26:25 CST: ..."), every alert id listed, so
// a burst reaches a 20-a-minute robot in a handful of messages instead of
// getting it muted.
//
// Text comes from package words (the lane's language and time zone, or
// the channel's own locale). Card numbers are masked again at this
// boundary (drivers.MaskTextPANsStrict on every body), whatever the alert holds.
//
// Channels are registered in one list (registry.go), one file each,
// like the detection rules in agent/detect.
package notify
