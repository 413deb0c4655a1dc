// Package videofeed sends a lane's receipts and alerts as plain text to a
// video recorder's POS overlay, so the recorder's own POS-event rules can
// search and bookmark the video of every checkout and incident.
//
// Recorders take "POS text" over a TCP connection they open or accept or
// over UDP, cut into transactions by configurable markers: Hikvision's
// "Universal" POS protocol (start line, line and end markers, TCP or UDP),
// Dahua and Milesight "general" text, Milestone XProtect's TCP connectors.
// A Feed writes each receipt as Start, its lines each followed by
// LineEnd, then End, and each alert as one line ("!! CARD PAID, NO
// RECEIPT CNY 35.50") framed the same way.
//
// Many recorders cannot show Chinese. Encoding "gbk" writes GBK (Chinese
// recorders); "latin1" writes ISO 8859-1 with Chinese as tone-less pinyin
// (go-pinyin's readings, as an embedded table: pinyin.go) and full-width forms folded, anything
// else unmappable as '?'; "utf-8" (default) writes the text as is. Card
// numbers are masked again here (drivers.MaskTextPANsStrict).
//
// The overlay is best effort: frames wait in a bounded queue while the
// recorder is away (the oldest dropped and counted), and a slow or absent
// recorder never holds up the lane.
package videofeed
