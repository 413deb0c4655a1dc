// Package fleet simulates a chain's busy hour against one MQTT broker or a
// cluster and proves the delivery contract end to end: many lanes, each a
// real detect.Engine fed a generated shift, a durable buffer.Queue outbox
// and a real uplink.Uplink with its own client id, and a consumer group:
// paho clients on one shared subscription
// ($share/{group}/tillwatch/v1/+/+/alert/#, SharedGroup), or, on NATS,
// whose MQTT has no shared subscriptions, NATS clients pulling from one
// durable JetStream consumer (JetStreamGroup). With Config.Spread the lanes
// connect through a balancer spread over a cluster's nodes, and the node
// Config.Restart names is killed and restarted mid-run.
//
// Time is compressed: the shift's events carry the times of a real hour
// (a fixed Saturday afternoon, so alert ids are the same on every run),
// and each lane observes them as a virtual clock running Config.Speed
// times faster than the wall clock passes it. Alerts are what the engine
// decides, stored in the outbox exactly as the agent stores them: through
// outbox.Writer (the alert's JSON on its kind's topic, the class of its
// severity, so info and warnings shed before critical ones, once per id).
//
// Run returns a Report: what was enqueued, what each consumer received,
// what is missing, what arrived twice and whether every copy carried the
// same topic and payload, end-to-end throughput and latency, and the
// broker's CPU time when its process id is known. A Broker with Stop and
// Start lets Run crash the broker mid-run and bring it back on the same
// address, so the at-least-once path (unacked publications sent again
// after a reconnect) is exercised, not assumed.
//
// All lanes share one Badger database (buffer.DB) with one queue per lane:
// Badger reserves its memtables, caches and value-log mappings per
// database (about 24 MiB with buffer.DefaultOptions), so a database per
// lane would need gigabytes for 200 lanes, while the queues of one
// database are independent key ranges that share one group commit. A real
// lane has its own database; what the simulation shares is the disk, not
// the delivery logic.
package fleet
