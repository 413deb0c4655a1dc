// Package capture reads and writes tillwatch capture files: every chunk of
// bytes seen on every link of a lane, with its time, device and direction,
// plus link up/down events, as JSON Lines (the contract in
// ARCHITECTURE.md, "Capture file"):
//
//	{"capture":"tillwatch/1","site":"s1","lane":"l1","devices":{"printer":{"role":"printer","protocol":"escpos","profile":"generic"}}}
//	{"t":"2026-11-22T10:15:03.123456Z","dev":"printer","from":"host","b64":"G0A..."}
//	{"t":"2026-11-22T10:15:09.000001Z","dev":"printer","link":"down","reason":"unplugged"}
//
// The header line is optional. A Writer is safe for concurrent use; a
// Reader reports a bad line with its line number and goes on with the next
// one, like encoding/csv, while an I/O error ends the stream.
//
// A capture holds link bytes exactly as given to Write: frames that can
// carry card data must be redacted by the caller before they are written.
//
// Sources: JSON Lines (https://jsonlines.org), RFC 3339 timestamps, RFC
// 4648 standard base64; reader design after Go's encoding/csv and
// encoding/json.
package capture
