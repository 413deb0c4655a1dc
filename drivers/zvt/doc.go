// Package zvt decodes the German/Austrian ECR-terminal protocol ZVT (the link
// between a cash register and a card payment terminal) into tillwatch events.
//
// It is fed the bytes of both directions of a ZVT link (serial with DLE STX
// framing and ACK/NAK bytes, or TCP with bare APDUs) and returns
// *drivers.Payment for every transaction result (04 0F status information or
// 06 1E abort, typed by the register command before it) and
// *drivers.Settlement for an end-of-day (06 50), and *drivers.Receipt for
// the terminal's slips (06 D3 text blocks, or 06 D1 lines up to the next
// other message), decoded from CP437 or Latin-1 (Options.Charset; auto
// tells them apart by the German letters) with Ended "slip": text for the
// register's printer, evidence, never a print job or a payment. With a
// slip profile (Options.Slip, package drivers/slip) a recognised slip is
// stamped "slip:NAME" and completes a result the link left incomplete (type
// unknown because the register's command was not seen, or no amount): such
// a result is held until its slip, the completion (06 0F), the next
// message or Flush, whichever comes first. Card numbers are masked with
// drivers.MaskPAN before they leave the package; track data (BMP 23, 24, 2D)
// is skipped and never kept.
//
// With Options.Messages every APDU is also kept as a Message (its offset,
// direction, command name and fields in words, masked like the events),
// for `tillwatch decode zvt` and other views; SenderOf and GuessDirection
// tell a register command from a terminal message.
//
// The building blocks are exported for tests, tools and the simulator:
// SplitFrame/Frame/CRC (serial framing), ParseAPDU, DecodeStatus and friends
// (fields), the request encoders (AuthRequest, StatusInfo, ...) and Redactor
// (capture redaction).
//
// Sources:
//   - ZVT Protocol specification (ZVT 13.x) by the Terminalhersteller,
//     https://www.terminalhersteller.de (BMP table, command layout, BMP 60
//     individual totals, serial transport: DLE STX ... DLE ETX CRC-16/KERMIT,
//     ACK 0x06 / NAK 0x15).
//   - wirelane/ecrterm (ecrterm/packets/bitmaps.py: BMP length classes;
//     transport_serial.py: framing and CRC).
//   - Portalum/Portalum.Zvt (ZvtClient.cs, StatusInformationParser, ReceiveHandler:
//     TCP fragment reassembly, TLV tags 1F07, 25, 07).
//   - EVerest/zvt (Feig cVEND captures, 06 0F layouts).
//   - /work/shared/design/TERMINALS.md (tillwatch's summary and card data rules).
//
// Test data in testdata/ comes from Portalum/Portalum.Zvt (MIT) and
// EVerest/zvt (MIT OR Apache-2.0); see testdata/README.md.
package zvt
