// Package sim simulates a checkout lane: a register printing receipts over
// ESC/POS, a printer answering with status, and a ZVT card terminal talking
// to the register. A shift is a readable list of actions; Compile turns it
// into timed writes on four wires (printer host/device, terminal
// host/device), and Play writes them, paced at the line's baud rate, to
// real ptys (see OpenWires) so the agent reads them as it would read a
// serial tap.
//
// The simulator is used by `tillwatch demo`, by the end-to-end tests and by
// the benchmarks; it is not a decoder and knows nothing of detection.
package sim
