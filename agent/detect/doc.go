// Package detect correlates a lane's events (receipts, card payments,
// printer statuses) and decides alerts. It is a pure function of the
// events and an injected clock: no I/O, no goroutines, no time.Now, no
// logging. After a restart it is rebuilt by replaying the journal's last
// Horizon (see Engine.Resume).
//
// Identity. EventID hashes drivers.Marshal(ev); an alert's id hashes site,
// lane, kind, state and the sorted ids of the events it is about, and its
// incident the same without the state. Neither depends on when the alert
// was detected, so a restart or a replay of the same shift yields the same
// ids. The printer state an alert carries is context, not identity.
//
// Time. Observe first decides everything due up to the event's time
// (inclusive), then takes the event in; Advance(now) decides everything
// due up to now. Decisions due at the same instant run in a fixed order
// (job grace over, receipt window closed, payment wait over; then arrival
// order), so the outcome does not depend on how often Advance is called.
//
// Rules (one type and file each, registered in rules.go): print_failed,
// partial_approval, amount_mismatch, payment_without_receipt,
// printer_fault. The engine holds the shared state and does the matching
// of sales to receipts; rules decide alerts.
//
// Choices where the sources leave room:
//   - A receipt job counts as printed StatusGrace after its cut, when no
//     fault was in force at its start, reported during it or reported less
//     than StatusGrace after it. Until then it matches nothing.
//   - Partial printer statuses (DLE EOT n) update exactly the flags of
//     their class; a "no reply" status adds NoReply to the known flags.
//   - A void cancels the latest open sale with its receipt number or
//     trace; a sale already matched keeps its receipt.
//   - Reprinted receipts never match a payment.
//   - payment_without_receipt reports the first printer fault in force
//     between the approval and the decision (the likely cause), else the
//     printer's current state.
//
// Sources: /work/shared/design/ARCHITECTURE.md ("Detection semantics",
// "Alert"); ESCPOS.md section 2 for the printer status classes; PCI DSS
// 3.4.1 for masking (drivers.MaskPAN).
package detect
