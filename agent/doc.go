// Package agent wires the pipeline of ARCHITECTURE.md from a config and
// runs it: links -> decoders -> journal -> detect -> outbox -> uplink.
// It holds no logic of its own beyond the wiring; each stage lives in its
// own package:
//
//   - agent/links: a device's link (tap, bridge, TCP, USB printer) and the
//     mailbox that carries what it reads to the core goroutine;
//   - agent/lane: the deterministic heart (decoders and detector, no I/O)
//     shared by the live agent and by offline replay, so that replaying a
//     capture of a shift yields the same alerts, with the same ids, as the
//     live run did;
//   - agent/journal: the electronic journal;
//   - agent/outbox: the only writer of the outbox (store-and-forward);
//   - agent/uplink and agent/topic: MQTT and its topic names;
//   - agent/status: the status views and the local HTTP listener;
//   - agent/recog: the worker that reads printed images (glyph
//     dictionary, Tesseract) off the core goroutine; its results come back
//     to the core as an input of the lane (recognition.go).
//
// Agent adds the I/O around the lane: the Badger journal and outbox, the
// MQTT uplink, the status listener and the optional capture file.
package agent
