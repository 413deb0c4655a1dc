package detect

import (
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// BenchmarkBusyShift measures events per second through Observe and
// Advance for a shift of about 10k card sales with incidents mixed in.
func BenchmarkBusyShift(b *testing.B) {
	evs := shift(9, 12000)
	sales := 0
	for _, ev := range evs {
		if p, ok := ev.(*drivers.Payment); ok && p.Type == drivers.PaySale && p.Result == drivers.Approved {
			sales++
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		e := New(DefaultConfig())
		playEvents(e, evs)
		e.Flush()
	}
	b.ReportMetric(float64(len(evs)*b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(sales), "sales")
}
