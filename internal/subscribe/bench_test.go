package subscribe

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkDecode: decoding, filtering and deduplicating alerts as a
// watcher does for each publication (alerts/s one watcher can take).
func BenchmarkDecode(b *testing.B) {
	payload, err := readFile("alert_under_charge.json")
	if err != nil {
		b.Fatal(err)
	}
	w := &Watcher{opts: Options{Prefix: DefaultPrefix}, dedup: NewDedup(DefaultDedupSize), states: map[string]Status{}}
	const distinct = 1 << 16
	payloads := make([][]byte, distinct)
	for i := range payloads {
		payloads[i] = bytes.Replace(payload, []byte("8c1f0a4e2b7d9c31"), fmt.Appendf(nil, "%016x", i), 1)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		w.decode("tillwatch/v1/s1/l1/alert/amount_mismatch", payloads[i%distinct])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "alerts/s")
}
