// Package template decodes the long tail of payment terminals and terminal
// logs without code: a YAML template says how the bytes are framed and how
// each frame maps onto drivers.Payment and drivers.Settlement fields.
//
// Framings (framing.type):
//
//	lines            text lines ending in LF (CR dropped)
//	stx_etx          STX payload ETX [LRC]
//	length_prefixed  [STX] length body [ETX] [LRC]; length is bcd2 (2-byte
//	                 BCD), bin2 (2-byte big-endian) or ascii4 (4 digits)
//
// The LRC (framing.lrc) is none, xor (XOR of every byte after STX up to and
// including ETX) or xor_stx (the same with STX included).
//
// Text frames (lines, stx_etx) are matched against the records' regular
// expressions; named groups are fields. Binary frames with a tlv: section
// are BER-TLV: each mapped tag is a field (format ascii, bcd, hex or bin),
// and a record applies when the fields it requires are present. Fields:
//
//	payment:    type result amount requested currency auth trace receipt
//	            reference terminal_id card original_trace original_receipt text
//	settlement: total count currency trace terminal_id
//	request:    amount (remembered as the requested amount of the next payment)
//
// Amounts are decimal strings turned into minor units by amount.decimals
// (12.34 with 2 decimals is 1234), by default the currency's ISO 4217
// digits (2 for CNY and EUR, 0 for CLP and JPY, 3 for KWD; package
// money); amount.implied says a bare digit string
// is already in minor units (ISO 8583 style n12). results and types map
// the device's words onto tillwatch's results and payment types.
//
// Card data: the card field always goes through drivers.MaskPAN (after
// cutting track data at its separator), and every other text field has
// Luhn-valid card numbers masked. Redactor removes card data from capture
// bytes with the same template: the card group or tag keeps at most its
// first 6 and last 4 digits, other Luhn-valid numbers in text and EMV card
// tags (5A, 56, 57, 5F20, 9F1F, 9F20, 9F6B) are masked, LRCs are
// recomputed, so a redacted capture still decodes. A card group must
// therefore also accept '*' (e.g. [0-9*]{12,19}); Load checks this.
//
// Templates shipped in templates/ (usable by name): linelog (a line-log
// terminal) and mispos (a China MIS-POS TLV link, STX | 2-byte BCD length |
// TLV | ETX | LRC, per /work/shared/design/TERMINALS.md).
package template
