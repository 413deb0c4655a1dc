// Package configs loads and validates tillwatch's YAML configuration.
//
// Load and Parse decode the file into a yaml.Node tree first
// (gopkg.in/yaml.v3) so that every problem can be reported with its file,
// line, column and dotted field path, all at once:
//
//	lane.yaml:4:3: mqtt.brokr: unknown field "brokr" (did you mean "broker"?)
//	lane.yaml:19:13: devices[1].link.device_port: required in bridge mode (the port the device is on)
//
// Unknown keys, wrong types, bad durations, values outside their allowed
// set, missing required fields and inconsistent combinations (a bridge
// without a device port, an escpos printer with a terminal role, a client
// certificate without its key) are all rejected. The returned Config has
// every default filled in and relative paths resolved against the config
// file's directory.
//
// example.yaml in this directory documents every key; schema.md lists them
// with their defaults and allowed values.
//
// Sources: YAML 1.2 (https://yaml.org/spec/1.2.2/), gopkg.in/yaml.v3 Node
// API, MQTT 3.1.1 topic rules (OASIS, section 4.7) for site, lane and the
// topic prefix, ISO 4217 for currency codes.
package configs
