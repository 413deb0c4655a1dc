// Package journal is tillwatch's electronic journal: every decoded event,
// appended durably before anything else looks at it, kept in time order,
// searchable by time, retrievable by id and pruned by retention. It is the
// source of truth: detection is rebuilt from it after a restart.
//
// Storage is a buffer.Store named "journal". A key is 16 bytes: the
// event's time (When) as 8-byte big-endian Unix nanoseconds, then an
// 8-byte big-endian sequence number from the store's persistent counter,
// so events with equal times keep their append order and keys never repeat
// across restarts or crashes. The value is drivers.Marshal(ev). An event's
// id is the key in lower-case hex (32 characters); ids sort like events.
//
// Times before 1970 are stored as 0 and times after 2262 as the largest
// key, so every event is kept whatever its clock said.
//
// Card data: the journal re-applies drivers.MaskPAN to a payment's card
// before storing it (decoders already mask; this is a second fence).
package journal
