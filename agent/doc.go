// Package agent builds the pipeline of ARCHITECTURE.md from a config and
// runs it: links -> decoders -> journal -> detect -> outbox -> uplink.
//
// Lane is the deterministic heart (decoders and detector, no I/O) shared by
// the live agent and by offline replay, so that replaying a capture of a
// shift yields the same alerts, with the same ids, as the live run did.
// Agent adds the I/O around it: links, the Badger journal and outbox, the
// MQTT uplink and the optional capture file.
package agent
