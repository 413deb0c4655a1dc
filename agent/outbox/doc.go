// Package outbox is a lane's store-and-forward: the Writer is the only
// writer of the outbox queue (alerts from the core, settlement summaries
// from the daily upkeep and the journal API, the fleet simulation's
// lanes); the uplink drains it.
//
// The outbox (buffer.Queue) sheds by the policy of configs.Outbox: info
// alerts first, then warnings, never critical ones for the byte capacity.
// When the disk is truly full (below outbox.min_free_bytes) nothing can
// be written: the journal append is skipped (logged, detection goes on
// from memory) and alerts are held in memory, oldest first, and stored as
// soon as there is room again. Only if more than maxHeld alerts pile up
// does the writer drop one, the lowest severity first: that is the only
// way a critical alert can be lost, and it is counted in the health
// message (buffer_shed, buffer.memory_shed).
package outbox
