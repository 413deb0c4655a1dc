package detect

import (
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// on names the moment a rule is asked to look.
type on uint8

const (
	onPayment    on = iota // an approved sale arrived (after matching)
	onReceipt              // a job was decided printed or failed (after matching)
	onSent                 // a card receipt sent complete arrived, no exact match (Engine.pairSent)
	onClose                // a card receipt's match window is over
	onDue                  // a payment's ReceiptWait is over (or its deferral)
	onStatus               // a printer status arrived
	onRefund               // an approved terminal refund or void arrived
	onRefundDue            // a terminal refund's ReceiptWait is over
	onCancel               // a void or refund cancelled a sale (pay)
	onSettlement           // a terminal's end-of-day totals arrived
	onLink                 // a link went up or down
)

// trigger is what a rule looks at.
type trigger struct {
	on       on
	pay      *payment
	rec      *receipt
	prn      *printer
	status   *drivers.PrinterStatus
	statusID string
	rt       *refundTx
	settle   *settlement
	link     *link
	linkEv   *drivers.Link
	linkID   string
}

// finding is an alert a rule decided, with the ids of the events it is
// about (the alert's identity). The engine fills in ids, site, lane and
// the detection time.
type finding struct {
	alert    Alert
	evidence []string
}

// rule is one detection rule. It may change the shared state of the
// engine it is given (pair a receipt, defer a payment), never its own.
type rule interface {
	check(e *Engine, t trigger) []finding
}

// registry is the one place rules are registered: the kind each decides
// and whether it runs by default. Order is the order rules are asked.
func registry() []struct {
	kind string
	on   bool
	make func() rule
} {
	return []struct {
		kind string
		on   bool
		make func() rule
	}{
		{KindPrintFailed, true, func() rule { return printFailed{} }},
		{KindPartialApproval, true, func() rule { return partialApproval{} }},
		{KindAmountMismatch, true, func() rule { return amountMismatch{} }},
		{KindReceiptWithoutPayment, true, func() rule { return receiptWithoutPayment{} }},
		{KindDuplicateCharge, true, func() rule { return duplicateCharge{} }},
		{KindPaymentWithoutReceipt, true, func() rule { return paymentWithoutReceipt{} }},
		{KindRefundWithoutSale, true, func() rule { return refundWithoutSale{} }},
		{KindSettlementMismatch, true, func() rule { return settlementMismatch{} }},
		{KindPrinterFault, true, func() rule { return printerFault{} }},
		{KindDeviceOffline, true, func() rule { return deviceOffline{} }},
	}
}

// Rules lists the alert kinds this package can decide, in the order its
// rules run.
func Rules() []string {
	var ks []string
	for _, r := range registry() {
		ks = append(ks, r.kind)
	}
	return ks
}

func knownRule(kind string) bool { return slices.Contains(Rules(), kind) }

// newRules returns fresh instances of the enabled rules.
func newRules(cfg Config) []rule {
	var rs []rule
	for _, r := range registry() {
		if r.on && !slices.Contains(cfg.Disable, r.kind) {
			rs = append(rs, r.make())
		}
	}
	return rs
}

// clock formats a time of day for summaries.
func clock(t time.Time) string { return t.Format("15:04:05") }

// traceNote is " (trace 000470)" or "".
func traceNote(p *drivers.Payment) string {
	if p.Trace == "" {
		return ""
	}
	return " (trace " + p.Trace + ")"
}

// receiptName is "receipt 0042" or "the receipt printed at 10:15:07".
func receiptName(r *receipt) string {
	if r.evidence.Number != "" {
		return "receipt " + r.evidence.Number
	}
	return "the receipt printed at " + clock(r.at)
}

// currencyOf picks the currency for an alert: the payment's, else the receipt's.
func currencyOf(p *payment, r *receipt) string {
	if p != nil && p.ev.Currency != "" {
		return p.ev.Currency
	}
	if r != nil {
		return r.currency
	}
	return ""
}

// upperFirst capitalises the first letter of an ASCII sentence start.
func upperFirst(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
