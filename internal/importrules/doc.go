// Package importrules holds the test that keeps the tree's dependencies
// pointing one way (ARCHITECTURE.md: cmd -> agent -> {drivers, buffer,
// configs}); `make lint` runs it. The rules, each checked on what
// `go list -deps -json` reports for the packages of this module:
//
//   - drivers/...: no buffer, configs, capture or agent package, and no
//     Badger, paho or mochi-mqtt, directly or through another package;
//   - agent/detect: imports only the standard library and drivers/...
//     directly, and nothing beyond them transitively but what drivers
//     itself uses (no buffer, configs, capture, other agent packages,
//     Badger or MQTT);
//   - capture: no configs, buffer or agent package, no Badger or MQTT;
//   - buffer: no other package of this module (it stores keys and bytes);
//   - configs: no agent, buffer or capture package, no Badger or MQTT;
//   - cmd/...: no Badger, paho or mochi-mqtt imported directly (the CLI
//     parses and prints; storage and MQTT are agent's business).
//
// Test files are not checked: tests may use real parts from anywhere.
package importrules
