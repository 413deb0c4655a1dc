// Package escpos decodes the ESC/POS print stream (host -> printer) and the
// printer's status replies (printer -> host) into drivers events: one
// *drivers.Receipt per print job and *drivers.PrinterStatus when the
// printer's state changes or a status request goes unanswered.
//
// The decoder is pure and incremental: Feed it chunks in any split and it
// returns the same events; it never panics and never desyncs for good,
// because it follows the exact length of every command (including the
// payload of images, barcodes and user-defined glyphs) instead of resyncing
// on the next ESC byte, the way a printer does.
//
// Sources:
//   - Epson ESC/POS Command Reference (TM series), command lengths, DLE EOT,
//     GS r and Automatic Status Back bit layouts:
//     https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/
//   - /work/shared/design/ESCPOS.md (project notes: length table, traps,
//     status bits, Chinese receipts).
//   - GBK / GB18030 via golang.org/x/text/encoding/simplifiedchinese;
//     single-byte code tables via golang.org/x/text/encoding/charmap.
//   - Star Line Mode command specification (ESC d n cut, ESC i n1 n2).
//   - Test streams: mike42/escpos-php, receipt-print-hq/escpos-tools,
//     SnailDev/SnailDev.EscPosParser (all MIT), see testdata/README.md.
//
// Job boundaries: a job opens at ESC @ or at the first byte that prints
// (text, line feed, image, style command); status requests, real-time
// commands and drawer kicks do not open a job. It ends at a cut (GS V, ESC
// i, ESC m; ESC d in Star Line Mode), at ESC @ after content ("init"), when
// the line stayed idle for Options.JobTimeout ("idle") or at the end of
// input ("eof", see FlushAll). A job with no text and no image is dropped.
//
// A cut receipt is held back until the next byte that opens a job, or
// until a Feed or Flush at least 2 seconds after the cut (or FlushAll), so
// that a drawer kick sent right after the cut (the usual order) is reported
// on the receipt it belongs to. The receipt's Time is the time of the chunk
// that held the cut either way, never the flush time; which chunk carries
// the kick decides DrawerKick the same way live and in replay. A status
// request (DLE EOT, GS r) sent during the job or while its receipt is held
// keeps the receipt held until the answer comes, when the printer's replies
// can be seen; left unanswered for StatusTimeout, the receipt comes out
// Unanswered (the register's "did it print?" got no answer), just before
// the NoReply status.
//
// Images: GS v 0 raster, ESC * bands (8 and 24 dots, single and double
// density), GS ( L / GS 8 L graphics stored and printed (fn 112, fn 50)
// and images in page mode are drawn on one page image per run of images
// (drivers/raster, bounded to 1024 x 16384 dots whatever a command
// claims); text, a cut or the end of the job closes it. With
// Options.Recognizer the closed image is read where it stands among the
// job's lines (Line.Source "ocr", Receipt.Recognised); an amount on a line
// read without confidence is not used. NV and downloaded images (FS p,
// GS ( L fn 69/85, GS /) are logos: their dots never reach the stream.
// RasterRedactor blanks the dots of card numbers read in images.
//
// Positions: the decoder follows the print position in dots (Font A/B and
// double-byte cells, width multiples, ESC $ / ESC \ jumps as spaces, the
// GS L left margin) and wraps a line where it leaves the print area (GS W,
// or Options.PaperDots), as the paper shows it. In page mode (ESC L) the
// same holds within the print area (ESC W), and the page prints top to
// bottom: its lines and the lines read in its image by their vertical
// position (GS $, GS \, feeds), whatever order they were sent in; lines
// sent apart to one position are one line.
//
// Printer status: DLE EOT, GS r and GS I requests on the host side are
// matched FIFO (per kind) to replies on the device side; ASB is recognised
// by its first byte. A PrinterStatus is emitted when a reply or ASB differs
// from the previous one of the same source (Via), for the first of each
// source, and for the first reply after a silence. An unanswered request
// gives one PrinterStatus{NoReply: true, Via: "timeout"} per silence, timed
// at request + StatusTimeout. A POS polling every second thus costs no
// journal space while nothing changes.
package escpos
