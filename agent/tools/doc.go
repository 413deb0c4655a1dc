// Package tools holds the technician's tools (monitor, capture): they open
// a config's links without the journal, detector or uplink. A device's
// port can be open in one process only: stop the agent first (or use its
// `capture:` setting).
package tools
