package detect

// A receipt a lane read from its printed image (a raster lane) may have
// printed with amounts that could not be read with confidence
// (drivers.Recognition.AmountsUnsure): it cannot be matched by amount,
// but it did print. payment_without_receipt is about a receipt that did
// not print, so it is decided from the cut alone: an approved sale whose
// window holds such a receipt, printed and not yet taken by another sale,
// raises nothing. The receipt is taken by the earliest sale that needs it.
// A receipt that already went to a sale (its card amount was read and
// matched or paired, though another line was unsure: a logo read as an
// unknown glyph) or that is a refund's receipt covers no other sale.

// takeUnread finds a printed receipt with unread amounts for p and takes
// it; false when there is none.
func (e *Engine) takeUnread(p *payment) bool {
	for _, r := range e.recs {
		if !r.unread || r.taken || !r.cut || len(r.pays) > 0 {
			continue
		}
		switch r.state {
		case recFailed, recPending, recMatched, recPaired, recRefundOpen, recRefundMatched, recRefundPaired:
			continue
		}
		if !e.within(r.at, p.at) {
			continue
		}
		r.taken = true
		return true
	}
	return false
}
