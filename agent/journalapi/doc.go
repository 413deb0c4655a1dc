// Package journalapi is the electronic journal's API for people: search
// queries parsed from the CLI or a URL, rows and the receipt as printed for
// showing an entry, the ESC/POS bytes of a receipt copy (marked COPY /
// 副本) for a reprint, the daily settlement summary, and the HTTP handlers
// the agent mounts on its loopback listener:
//
//	GET  /api/journal/search?date=2026-11-22&amount=68.00&last4=4771&...
//	GET  /api/journal/{id}
//	POST /api/journal/{id}/reprint
//	GET  /api/settlement?date=2026-11-22     (the summary, computed)
//	POST /api/settlement?date=2026-11-22     (also published)
//
// Amounts are decimal strings read in minor units of the lane's currency
// (68.00 CNY = 6800, 1500 CLP = 1500). Card numbers are stored masked; rows
// show the masked card only.
package journalapi
