package buffer

import (
	"fmt"
	"sync/atomic"
	"testing"
)

// alertValue is about the size of one alert JSON.
var alertValue = make([]byte, 700)

// BenchmarkPutIfAbsent measures synced puts of alert-sized values from one
// goroutine: every put waits for its own fsync.
func BenchmarkPutIfAbsent(b *testing.B) {
	db, _ := openTest(b, "", DefaultOptions())
	q := db.Queue("outbox")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := q.PutIfAbsent(fmt.Sprintf("a-%d", i), alertValue); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
}

// BenchmarkPutIfAbsentParallel measures the same from many goroutines:
// Badger groups concurrent commits, so puts/s grows with parallelism.
func BenchmarkPutIfAbsentParallel(b *testing.B) {
	for _, par := range []int{4, 16} {
		b.Run(fmt.Sprintf("goroutines=%d", par), func(b *testing.B) {
			db, _ := openTest(b, "", DefaultOptions())
			q := db.Queue("outbox")
			var n atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(par) // par x GOMAXPROCS goroutines
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := q.PutIfAbsent(fmt.Sprintf("a-%d", n.Add(1)), alertValue); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
		})
	}
}

// BenchmarkPutBatch measures one synced batch of 64 journal-sized values.
func BenchmarkPutBatch(b *testing.B) {
	db, _ := openTest(b, "", DefaultOptions())
	s := db.Store("journal")
	kvs := make([]KV, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range kvs {
			kvs[j] = KV{Key: []byte(fmt.Sprintf("%012d-%02d", i, j)), Value: alertValue[:400]}
		}
		if err := s.PutBatch(kvs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(kvs))/b.Elapsed().Seconds(), "values/s")
}
