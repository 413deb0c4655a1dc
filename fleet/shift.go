package fleet

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// ShiftStart is when every simulated shift begins: a Saturday afternoon,
// fixed so that the events, and so the alert ids, are the same on every
// run with the same Seed.
var ShiftStart = time.Date(2026, 11, 28, 16, 0, 0, 0, time.UTC)

// LaneName returns the site and lane of lane i (0-based).
func LaneName(i, perSite int) (site, lane string) {
	return fmt.Sprintf("store-%03d", i/perSite+1), fmt.Sprintf("lane-%02d", i%perSite+1)
}

// Incident kinds a shift can contain, each one customer whose sale goes
// wrong, with what the detector should make of it.
const (
	keyedWrong  = iota // terminal amount keyed 10x off: amount_mismatch
	noReceipt          // approved, nothing printed: payment_without_receipt
	paperOut           // paper runs out before the sale: printer_fault raised, payment_without_receipt, printer_fault resolved
	partial            // approved for less than requested: partial_approval
	notCut             // receipt job never cut: print_failed
	swipedTwice        // approved twice, one receipt: duplicate_charge
	numIncidents
)

// shifter builds one lane's events.
type shifter struct {
	r       *rand.Rand
	evs     []drivers.Event
	trace   int
	receipt int
}

// Shift returns lane i's events for cfg's hour, in time order. It is a pure
// function of cfg (Seed, Hour, Customers, CardShare, Incidents) and i.
func Shift(cfg Config, i int) []drivers.Event {
	s := &shifter{r: rand.New(rand.NewPCG(cfg.Seed, uint64(i)))}
	mean := float64(time.Hour) / max(cfg.Customers, 1e-9) // Customers is per hour of shift
	for t := time.Duration(s.r.ExpFloat64() * mean); t < cfg.Hour; t += time.Duration(s.r.ExpFloat64() * mean) {
		at := ShiftStart.Add(t.Truncate(time.Millisecond))
		amount := s.amount()
		switch {
		case s.r.Float64() >= cfg.CardShare:
			s.addReceipt(at, amount, drivers.Tender{Kind: drivers.TenderCash, Label: "CASH", Amount: amount}, true)
		case s.r.Float64() < cfg.Incidents:
			s.incident(at, amount, s.r.IntN(numIncidents))
		default:
			p := s.addPayment(at, amount, amount)
			s.addReceipt(at.Add(4*time.Second), amount, cardTender(p.Amount), true)
		}
	}
	slices.SortStableFunc(s.evs, func(a, b drivers.Event) int { return a.When().Compare(b.When()) })
	return s.evs
}

// incident adds one customer whose sale goes wrong in the way kind says.
func (s *shifter) incident(at time.Time, amount int64, kind int) {
	switch kind {
	case keyedWrong:
		keyed := amount / 10
		if s.r.IntN(2) == 0 || keyed == 0 {
			keyed = amount * 10
		}
		s.addPayment(at, keyed, keyed)
		s.addReceipt(at.Add(4*time.Second), amount, cardTender(amount), true)
	case noReceipt:
		s.addPayment(at, amount, amount)
	case paperOut:
		s.addStatus(at.Add(-20*time.Second), true)
		s.addPayment(at, amount, amount)
		s.addStatus(at.Add(50*time.Second), false)
	case partial:
		got := max(amount*6/10, 1)
		s.addPayment(at, got, amount)
		s.addReceipt(at.Add(4*time.Second), amount, cardTender(got), true)
	case notCut:
		p := s.addPayment(at, amount, amount)
		s.addReceipt(at.Add(4*time.Second), amount, cardTender(p.Amount), false)
	case swipedTwice:
		p := s.addPayment(at, amount, amount)
		again := *p
		s.trace++
		again.Time = at.Add(40 * time.Second)
		again.Trace, again.AuthCode = fmt.Sprintf("%06d", s.trace), fmt.Sprintf("A%05d", s.r.IntN(100000))
		s.evs = append(s.evs, &again)
		s.addReceipt(at.Add(44*time.Second), amount, cardTender(amount), true)
	}
}

// amount is a basket's total in minor units: log-normal around 25.00,
// between 0.50 and 2000.00.
func (s *shifter) amount() int64 {
	v := math.Exp(math.Log(2500) + 0.9*s.r.NormFloat64())
	return int64(min(max(v, 50), 200000))
}

func cardTender(amount int64) drivers.Tender {
	return drivers.Tender{Kind: drivers.TenderCard, Label: "CARD", Amount: amount}
}

// addPayment adds an approved card sale of amount (requested: what the
// register asked for).
func (s *shifter) addPayment(at time.Time, amount, requested int64) *drivers.Payment {
	s.trace++
	p := &drivers.Payment{
		Head: drivers.Head{Time: at, Device: "terminal"},
		Type: drivers.PaySale, Result: drivers.Approved, Amount: amount, Requested: requested,
		Currency: "EUR", AuthCode: fmt.Sprintf("A%05d", s.r.IntN(100000)), Trace: fmt.Sprintf("%06d", s.trace),
		TerminalID: "52523535", Card: fmt.Sprintf("493702******%04d", s.r.IntN(10000)),
	}
	s.evs = append(s.evs, p)
	return p
}

// addReceipt adds a receipt job ending at at (started two seconds before)
// with one tender line.
func (s *shifter) addReceipt(at time.Time, total int64, tender drivers.Tender, cut bool) {
	s.receipt++
	num := fmt.Sprintf("%04d", s.receipt)
	due := total
	r := &drivers.Receipt{
		Head:  drivers.Head{Time: at, Device: "printer"},
		Start: at.Add(-2 * time.Second), Cut: cut, Ended: "cut", Number: num,
		Total: &total, Due: &due, Tenders: []drivers.Tender{tender}, Currency: "EUR",
		Lines: []drivers.Line{{Text: "RECEIPT " + num}, {Text: "TOTAL " + money.Number(total, "EUR")}},
	}
	if !cut {
		r.Ended = "idle"
	}
	s.evs = append(s.evs, r)
}

// addStatus adds an automatic status report: paper end (and offline), or
// back to normal.
func (s *shifter) addStatus(at time.Time, paperEnd bool) {
	st := &drivers.PrinterStatus{Head: drivers.Head{Time: at, Device: "printer"}, Via: "asb", PaperEnd: paperEnd, Offline: paperEnd}
	st.Online = !st.Fault()
	s.evs = append(s.evs, st)
}

// sortedKinds returns the keys of counts, largest count first.
func sortedKinds(counts map[string]int) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b))
	})
	return keys
}
