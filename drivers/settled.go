package drivers

// Settler is implemented by decoders that can tell when they hold nothing
// of the bytes fed so far that a new decoder, fed only the bytes that
// follow, would miss: no open print job, no cut receipt waiting for its
// drawer kick or confirmation, no status request waiting for its answer,
// no part of a frame, no transaction waiting for its result. What a
// decoder keeps for a long time by design (a code page, the last status
// seen, recent sales a void may name) does not count: a restart loses it
// anyway. The agent keeps a device's raw input durable until its decoder
// is settled and re-decodes that input after a crash, so a receipt read
// but not yet journaled survives a kill -9.
type Settler interface {
	// Settled reports whether the decoder holds nothing pending.
	Settled() bool
}
