// Package demo runs a whole lane in one process: an embedded MQTT broker
// (or a given one), the simulated printer and terminal on real ptys, the
// agent reading them, and an MQTT subscriber that receives the alerts. It
// backs `tillwatch demo` and the end-to-end tests, so what a newcomer sees
// is exactly what the tests check.
package demo
