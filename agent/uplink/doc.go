// Package uplink drains the durable outbox over MQTT with the Eclipse Paho
// Go client (github.com/eclipse/paho.mqtt.golang, EPL-2.0/EDL-1.0).
//
// Sources: MQTT 3.1.1 (OASIS standard, 2014), sections 3.1.2.5 (will),
// 3.3.1.3 (retain), 4.3.2 (QoS 1), 4.4 (message redelivery after a
// reconnect), 4.6 (ordering); tillwatch's ARCHITECTURE.md (topics, status,
// delivery rules).
//
// # Delivery
//
// Outbox entries are published with QoS 1, oldest first, with at most
// Config.Inflight published and not yet acknowledged. An entry is deleted
// (Outbox.Done) only when all of these hold when its token completes:
//
//   - the token has no error (a PUBACK arrived);
//   - the connection epoch is the one recorded just before Publish;
//   - the client is still connected.
//
// The epoch grows on every connect and every connection end. Paho can
// complete tokens of messages lost in a reconnect without an error, so
// the error alone proves nothing; a PUBACK is only trusted on the
// connection that carried the PUBLISH. Everything not deleted is published
// again after the next connect, oldest first. Delivery is at-least-once;
// subscribers dedupe on the alert id.
//
// The outbox is read in batches (a few times Inflight) and woken by
// Outbox.Changed; a slow poll runs only while messages are in flight (ack
// timeouts, a safety re-read), so an idle uplink sleeps. Delivered entries
// are deleted in the background (settler.go): one outbox write, one fsync,
// for everything acked while the previous write ran; the drain keeps
// publishing meanwhile and never republishes an entry being deleted unless
// the delete fails. The settled entries' keys are swept in bulk when the
// drain is idle, while a drain that is never idle settles more than 16,384
// (a chunk after each settling write), and an hour after the oldest was
// settled on a quiet lane. A PUBACK missing for
// two minutes on a connection that still answers pings means the broker
// lost the message: the uplink drops that connection (leaving a retained
// offline status, reason "reconnecting") and republishes on the next.
//
// # Paho settings, and why
//
//   - One fresh paho client per connection, AutoReconnect and ConnectRetry
//     off: the uplink's own loop reconnects with exponential backoff and
//     jitter (Config.BackoffMin..BackoffMax, each delay drawn from
//     [d/2, d]), so it knows exactly when a connection begins and ends and
//     no token or packet id outlives its connection.
//   - CleanSession true, ResumeSubs false, a memory store: the outbox is
//     the persistence. A persistent session would have paho (and the
//     broker) resend stale PUBLISHes behind the uplink's back, and a file
//     store would be a second, unsynchronised outbox. With a clean session
//     the broker forgets the session on disconnect and the uplink
//     republishes from the outbox.
//   - Protocol 3.1.1 (no fallback to 3.1); OrderMatters off: received
//     messages are only queued by paho's goroutine (see Subscriptions).
//
// # Status and last will
//
// With Config.StatusTopic set, every connect publishes a retained
// {"state":"online","since":...} (plus Config.StatusExtra) and waits for
// its PUBACK before draining; only then does Connected report true. The connection carries a retained last will
// {"state":"offline","reason":"connection_lost"} that the broker publishes
// when the connection dies without a DISCONNECT. A clean stop (the context
// of Run is done) publishes a retained {"state":"offline","reason":
// "stopped"}, settles what was acked, then sends DISCONNECT so the broker
// discards the will.
//
// # Health
//
// With Config.HealthTopic and Config.Health set, every connection
// publishes Health's payload right after the online status and then every
// Config.HealthEvery, retained, QoS 1, from the drain loop. Health
// messages do not go through the outbox: they describe the present, and a
// lost one is replaced by the next, so the first one after an outage
// reports what the outage cost (buffer depth, oldest age, shed counts).
// A clean stop publishes one more, before the offline status, so that the
// retained message describes the stopped lane (Health is called after the
// context of Run is done).
//
// # Subscriptions
//
// Config.Subscribe filters (remote commands) are subscribed to on every
// connect, after the announcements and before Connected turns true: the
// session is clean, so the broker forgets them with the connection. A
// filter the broker refuses (SUBACK 0x80) is logged and recorded as the
// latest error; alerts flow regardless. Received messages wait in a
// bounded inbox (16; beyond it they are dropped and counted) for one
// goroutine of the connection that calls the handlers one at a time and
// publishes their replies with QoS 1, not through the outbox.
//
// # Undecodable entries
//
// An outbox value that DecodeMessage rejects (corruption, or a format
// written by a newer version) must not block the queue. It is moved aside
// to Config.DeadLetterTopic (the lane's .../deadletter; see agent/topic):
// the uplink publishes a DeadLetter JSON object {id,
// seq, error, value (base64 of the stored bytes)} with QoS 1, not
// retained, logs the id, sequence, length and error (never the bytes),
// and deletes the entry under the same PUBACK rule as any other. Nothing
// is dropped silently: the bytes end up with whoever watches the topic.
//
// Passwords are never logged; broker URLs are logged with any user info
// replaced, and a URL carrying credentials is rejected by Run.
package uplink
