// Package subscribe is the remote side of tillwatch's MQTT contract: a
// Watcher subscribes to a fleet's alerts (tillwatch/v1/+/+/alert/#) and
// lane status topics, drops repeats (delivery is at-least-once: the same
// alert id can arrive twice) and what a Filter excludes; a Webhook
// forwards each new alert to an HTTP endpoint with bounded retries.
// `tillwatch watch` is built on both.
package subscribe
