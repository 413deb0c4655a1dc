// Package mqttbroker runs an embedded MQTT broker for `tillwatch demo` and
// for tests that need a real broker on loopback.
//
// It wraps github.com/mochi-mqtt/server/v2 (MIT licence,
// https://github.com/mochi-mqtt/server) with an allow-all authentication
// hook and one plain TCP listener. The broker keeps no state on disk:
// retained messages and sessions vanish with Close, like a freshly
// restarted mosquitto with `persistence false`.
//
// Restarting on the same address works: Close closes the listening socket
// before it returns, and Go listens with SO_REUSEADDR on Unix, so
// connections left in TIME_WAIT do not block a new Start on that port.
//
// Mochi logs every hook, listener and client at info level. Start passes
// only errors through to the caller's logger, unless that logger has debug
// enabled, in which case everything passes.
package mqttbroker
