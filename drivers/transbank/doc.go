// Package transbank decodes Transbank "POS Integrado" (Chile), the link
// between a cash register (ECR) and a Transbank card terminal, into
// tillwatch events.
//
// Wire format: every message is `STX payload ETX LRC`, where the payload is
// ASCII fields separated by '|' and the LRC is the XOR of the payload bytes
// and ETX (STX excluded). The receiver answers each frame with one byte, ACK
// 0x06 or NAK 0x15 (then the sender repeats the frame). Line: 8N1, 115200
// baud by default. The unattended model ("autoservicio") is also seen with an
// LRC that XORs STX in as well; the decoder accepts both (Stats.LRCWithSTX
// counts the second form).
//
// Messages (the first field is the function code):
//
//	0200 sale request (ECR)          -> 0210 sale response (terminal)
//	0270 multicode sale request      -> 0271 multicode sale response
//	1200 void ("anulación") request  -> 1210 void response (no amount)
//	0900 intermediate status (terminal, while a transaction runs)
//	0700 totals -> 0710, 0500 close -> 0510, 0260 details -> 0261 (one per
//	sale, a listing of the batch), 0800 load keys -> 0810
//
// The decoder returns a *drivers.Payment for every 0210, 0271 and 1210. A
// void carries the operation number of the sale it annuls in
// OriginalReceipt (the sale carries it in ReceiptNo), so the detector can
// cancel the sale; the decoder also fills the void's amount, card and
// reference from the sale when it saw that sale. An approved 0510 close
// becomes a *drivers.Settlement with the totals of the 0710 answered
// before it (a close without a totals query before it yields no event).
// 0900, 0261, 0810 and request messages only update state and counters.
//
// Card data: a Transbank link carries the last 4 digits of the card and a
// masked account number only (no PAN, no track data), so captures of this
// link need no redactor. The decoder still passes every card field through
// drivers.MaskPAN and masks Luhn-valid card numbers in voucher text, so a
// misbehaving terminal cannot leak a full PAN through it.
//
// Sources:
//   - Transbank developer documentation, referencia/posintegrado/README.md
//     (TransbankDevelopers/transbank-developers-docs): framing, LRC worked
//     example, message tables, response and intermediate codes.
//   - TransbankDevelopers/transbank-pos-sdk-dotnet (BSD-3-Clause): the
//     messages in testdata/vectors.jsonl, the field layouts of the integrated
//     and the unattended model.
//   - /work/shared/design/TERMINALS.md (tillwatch's summary).
package transbank
