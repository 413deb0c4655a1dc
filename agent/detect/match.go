package detect

import (
	"cmp"
	"slices"
	"time"
)

// Matching pairs approved sales with printed card receipts of equal amount
// (ARCHITECTURE.md "Detection semantics"): within MatchWindow (+ClockSkew) in either
// order, one payment or several whose sum is the receipt's card amount
// (split across cards), the closest in time winning, each payment and
// receipt matched at most once. Matching is eager: it happens as soon as
// the second side arrives, so a later, closer candidate does not steal a
// match already made.

// maxSplit is the most payments one receipt is matched with, and
// splitPool how many of the nearest candidates a split is looked for in.
const (
	maxSplit  = 4
	splitPool = 12
)

// within reports whether two times are inside the match window.
func (e *Engine) within(a, b time.Time) bool { return absDur(a, b) <= e.cfg.window() }

// equal reports whether two amounts are equal within the tolerance.
func (e *Engine) equal(a, b int64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= e.cfg.AmountTolerance
}

// candidates returns the open sales a receipt may be matched or paired
// with, nearest first.
func (e *Engine) candidates(r *receipt) []*payment {
	var c []*payment
	for _, p := range e.pays {
		if p.state != payOpen || p.ev.Amount <= 0 || !e.within(p.at, r.at) {
			continue
		}
		if r.currency != "" && p.ev.Currency != "" && r.currency != p.ev.Currency {
			continue
		}
		c = append(c, p)
	}
	slices.SortFunc(c, func(a, b *payment) int {
		return cmp.Or(cmp.Compare(absDur(a.at, r.at), absDur(b.at, r.at)), cmp.Compare(a.seq, b.seq))
	})
	return c
}

// relatedCandidates returns the candidates that may be a receipt's
// payment (see related), nearest first.
func (e *Engine) relatedCandidates(r *receipt) []*payment {
	return slices.DeleteFunc(e.candidates(r), func(p *payment) bool { return !e.related(r, p) })
}

// matchReceipt matches an open receipt if an exact set of candidates
// exists; it reports whether it did.
func (e *Engine) matchReceipt(r *receipt) bool {
	set := e.exactSet(r, e.candidates(r))
	if set == nil {
		return false
	}
	r.state, r.pays = recMatched, set
	for _, p := range set {
		p.state, p.rec = payMatched, r
	}
	e.noteMatch(r, set)
	return true
}

// matchPayment tries the open receipts around a new sale, nearest first.
func (e *Engine) matchPayment(p *payment) {
	var rs []*receipt
	for _, r := range e.recs {
		if r.state == recOpen && e.within(r.at, p.at) {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *receipt) int {
		return cmp.Or(cmp.Compare(absDur(a.at, p.at), absDur(b.at, p.at)), cmp.Compare(a.seq, b.seq))
	})
	for _, r := range rs {
		if e.matchReceipt(r) && p.state == payMatched {
			return
		}
	}
}

// exactSet finds the candidates whose amounts add up to the receipt's card
// amount: the nearest single payment, else the best split of 2..maxSplit
// payments (fewest payments, then the smallest largest distance, then the
// smallest total distance, then the earliest arrivals).
func (e *Engine) exactSet(r *receipt, cands []*payment) []*payment {
	for _, p := range cands {
		if e.equal(p.ev.Amount, r.card) {
			return []*payment{p}
		}
	}
	pool := cands[:min(len(cands), splitPool)]
	var best []*payment
	var bestMax, bestSum time.Duration
	set := make([]*payment, 0, maxSplit)
	var walk func(start int, sum int64, k int)
	walk = func(start int, sum int64, k int) {
		if sum > r.card+e.cfg.AmountTolerance { // amounts are positive
			return
		}
		if len(set) == k {
			if !e.equal(sum, r.card) {
				return
			}
			var mx, tot time.Duration
			for _, p := range set {
				d := absDur(p.at, r.at)
				mx, tot = max(mx, d), tot+d
			}
			if best == nil || mx < bestMax || (mx == bestMax && tot < bestSum) {
				best, bestMax, bestSum = slices.Clone(set), mx, tot
			}
			return
		}
		for i := start; i < len(pool); i++ {
			set = append(set, pool[i])
			walk(i+1, sum+pool[i].ev.Amount, k)
			set = set[:len(set)-1]
		}
	}
	for k := 2; k <= maxSplit && best == nil; k++ {
		walk(0, 0, k)
	}
	return best
}
