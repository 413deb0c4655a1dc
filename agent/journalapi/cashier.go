package journalapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/drivers"
)

// CashierDay is one cashier's day: the receipts they rang and the
// incidents raised about their checkouts, by kind.
type CashierDay struct {
	Receipts  int            `json:"receipts"`
	Incidents int            `json:"incidents"`
	Kinds     map[string]int `json:"kinds,omitempty"`
}

// AddCashiers fills s.Cashiers: receipts per cashier from the journal and
// incidents per cashier from replaying the day's journal through a fresh
// detector with cfg (the detector is pure, so the incidents are the ones
// the lane raised, with the same ids). Events from the detector's horizon
// before the day are replayed too, so an incident whose window began the
// evening before is decided the same way; only incidents raised during
// the day count.
func AddCashiers(j *journal.Journal, s *Summary, cfg detect.Config) error {
	e := detect.New(cfg)
	days := map[string]*CashierDay{}
	get := func(name string) *CashierDay {
		d := days[name]
		if d == nil {
			d = &CashierDay{Kinds: map[string]int{}}
			days[name] = d
		}
		return d
	}
	count := func(alerts []detect.Alert) {
		for _, a := range alerts {
			if a.State != detect.Raised || a.Cashier == "" || a.Time.Before(s.From) || !a.Time.Before(s.To) {
				continue
			}
			d := get(a.Cashier)
			d.Incidents++
			d.Kinds[a.Kind]++
		}
	}
	err := j.Range(s.From.Add(-e.Horizon()), s.To, func(_ string, ev drivers.Event) error {
		if r, ok := ev.(*drivers.Receipt); ok && r.Cashier != "" && !r.Reprint && !r.Time.Before(s.From) {
			get(r.Cashier).Receipts++
		}
		count(e.Observe(ev))
		return nil
	})
	if err != nil {
		return fmt.Errorf("journalapi: cashiers of %s: %w", s.Day, err)
	}
	count(e.Flush())
	if len(days) > 0 {
		s.Cashiers = days
	}
	return nil
}

// writeCashiers adds a line per cashier to a written summary.
func writeCashiers(b *strings.Builder, s *Summary) {
	names := make([]string, 0, len(s.Cashiers))
	for n := range s.Cashiers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d := s.Cashiers[n]
		fmt.Fprintf(b, "cashier %-16s %5d receipts, %d incidents", n, d.Receipts, d.Incidents)
		kinds := make([]string, 0, len(d.Kinds))
		for k, c := range d.Kinds {
			kinds = append(kinds, fmt.Sprintf("%s %d", k, c))
		}
		sort.Strings(kinds)
		if len(kinds) > 0 {
			b.WriteString(" (" + strings.Join(kinds, ", ") + ")")
		}
		b.WriteByte('\n')
	}
}
