package journal

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

func benchEvent(i int) drivers.Event {
	total := int64(1250)
	return &drivers.Receipt{
		Head:  drivers.Head{Time: time.Unix(1795000000, int64(i)*1e6).UTC(), Device: "printer"},
		Lines: []drivers.Line{{Text: "SHOP 1"}, {Text: "TOTAL        12.50"}, {Text: "CARD         12.50"}},
		Cut:   true, Ended: "cut", Number: "4711", Total: &total, Due: &total, Currency: "EUR",
		Tenders: []drivers.Tender{{Kind: drivers.TenderCard, Label: "CARD", Amount: total}},
	}
}

// BenchmarkAppend appends one event per call: one synced write each.
func BenchmarkAppend(b *testing.B) {
	db, _ := openDB(b, "")
	j := New(db)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := j.Append(benchEvent(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAppendParallel appends one event per call from many goroutines;
// their writes share fsyncs.
func BenchmarkAppendParallel(b *testing.B) {
	db, _ := openDB(b, "")
	j := New(db)
	b.ReportAllocs()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			if _, err := j.Append(benchEvent(i)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAppendBatch appends 32 events per call.
func BenchmarkAppendBatch(b *testing.B) {
	db, _ := openDB(b, "")
	j := New(db)
	evs := make([]drivers.Event, 32)
	b.ReportAllocs()
	for n := 0; b.Loop(); n++ {
		for i := range evs {
			evs[i] = benchEvent(n*32 + i)
		}
		if _, err := j.Append(evs...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*32)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRange reads back 1000 events.
func BenchmarkRange(b *testing.B) {
	db, _ := openDB(b, "")
	j := New(db)
	evs := make([]drivers.Event, 1000)
	for i := range evs {
		evs[i] = benchEvent(i)
	}
	if _, err := j.Append(evs...); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := j.Range(time.Time{}, time.Time{}, func(string, drivers.Event) error { n++; return nil }); err != nil || n != 1000 {
			b.Fatalf("Range: %d events, %v", n, err)
		}
	}
}
