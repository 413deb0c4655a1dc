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
// Rules (one type and file each, registered in rules.go): every kind of
// the contract: print_failed, partial_approval, amount_mismatch,
// receipt_without_payment, duplicate_charge, payment_without_receipt,
// refund_without_sale, settlement_mismatch, printer_fault,
// device_offline. The engine holds the shared state and does the matching
// of sales to receipts and of terminal refunds to refund receipts; rules
// decide alerts.
//
// Memory. Detailed state (payments, receipts, refunds, printer history) is
// kept for the short horizon (look-back plus longest delay, about 15
// minutes by default); a ledger of one small entry per approved
// transaction, the settlements and the link down spans are kept for
// SettlementWindow [48h], which is also what Horizon reports, so a restart
// replays that much of the journal (it only rebuilds the ledger from the
// older part: see Resume).
//
// Choices where the sources leave room:
//   - A receipt job counts as printed StatusGrace after its cut, when no
//     fault was in force at its start, reported during it or reported less
//     than StatusGrace after it. Until then it matches nothing exactly. A
//     job that surely failed (never cut, unconfirmed, unanswered, faulted
//     at its start or during it) is decided when it arrives, one failed by
//     a fault within StatusGrace when that fault arrives (or when the job
//     arrives, if the fault came first): decisions wait for evidence,
//     never for a window that can no longer change them.
//     Engine.Deadline says when the next decision falls due.
//   - A card receipt sent complete with no exact match among the sales
//     seen is paired at once (amount_mismatch when its sale came first):
//     what a later fault changes is whether the paper came out, not what
//     the register billed, so the fault adds print_failed and leaves the
//     mismatch, its evidence and its id alone (Engine.pairSent). The same
//     receipt number and card amount printed again within the match
//     window after such a failure is the same checkout, not a receipt
//     of its own.
//   - Partial printer statuses (DLE EOT n) update exactly the flags of
//     their class; a "no reply" status adds NoReply to the known flags.
//   - A void cancels the latest open sale with its receipt number or
//     trace; a sale already matched keeps its receipt.
//   - Reprinted receipts never match a payment.
//   - A receipt is paired with a sale of another amount (amount_mismatch)
//     only when they may be one checkout: pairing.go says when not; the
//     mismatch grades its confidence (high, medium, low).
//   - payment_without_receipt reports the first printer fault in force
//     between the approval (less ClockSkew: the printer's and the
//     terminal's reads are stamped apart) and the decision (the likely
//     cause), else the printer's current state.
//   - A refund receipt is a receipt whose settled tenders are all
//     negative; it matches an approved terminal refund or void of that
//     amount in the window. A void of a sale that never had a receipt needs
//     none. A refund receipt and a terminal refund of other amounts in the
//     window are paired (amount_mismatch on the refund) when the first of
//     them runs out of time: rule_amount_mismatch_refund.go.
//   - Clock skew widens every cross-device comparison: the match window,
//     the receipt wait, "before the receipt", link-down spans, the end
//     of a settlement period and the printer state a missing receipt is
//     explained by.
//   - Receipts from a device whose role is terminal (card slips) are
//     evidence of the terminal, not register receipts: they are ignored.
//   - Roles are configured (Config.Roles) or learnt: a device that sent a
//     payment or settlement is a terminal, one that sent a receipt or
//     printer status a printer. receipt_without_payment runs only when a
//     terminal is known.
//
// Sources: /work/shared/design/ARCHITECTURE.md ("Detection semantics",
// "Alert"); ESCPOS.md section 2 for the printer status classes; PCI DSS
// 3.4.1 for masking (drivers.MaskPAN).
package detect
