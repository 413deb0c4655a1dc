// Package remote answers remote commands an operator sends to a lane over
// MQTT. It is off unless the config says remote.enabled, and then answers
// only the commands in remote.allow.
//
// Requests arrive on tillwatch/v1/{site}/{lane}/cmd/{name} (the uplink
// subscribes to .../cmd/+ with QoS 1 on every connect) as JSON:
//
//	{"id":"r-1","args":{...},"reply_to":"tillwatch/v1/s/l/ops/r-1"}
//
// The reply goes to tillwatch/v1/{site}/{lane}/cmd/{name}/reply, or to
// reply_to when it lies under tillwatch/v1/{site}/{lane}/ (and is not a
// command topic, so a lane cannot be made to command itself), QoS 1, not
// retained:
//
//	{"id":"r-1","ok":true,"result":{...}}
//	{"id":"r-1","ok":false,"error":"not allowed"}
//
// Commands: ping ({"pong":true,"version":...,"time":...}), status (the
// lane's status snapshot, as /status.json), journal_search (args amount
// "68.00", date "2026-11-22" in the lane's time zone or from/to RFC 3339,
// last4, receipt, auth, types, limit up to 50; entries oldest first with
// masked cards only, the reply capped at 64 KiB, "truncated" when cut).
//
// A command not in the allow-list and an unknown command get an error
// reply; each such name is logged once. A request that is not JSON gets
// an error reply when its id can still be read, else it is only logged.
// Requests beyond the rate (default 10/s, burst 10) are dropped without a
// reply, so a broker loop or a misbehaving operator tool cannot make the
// lane flood the broker; drops are logged at most every 10s.
package remote
