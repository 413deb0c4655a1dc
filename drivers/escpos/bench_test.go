package escpos

import (
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// BenchmarkDecodeCorpus decodes every testdata stream in 512-byte chunks.
func BenchmarkDecodeCorpus(b *testing.B) {
	files := corpus(b)
	var total int64
	for _, data := range files {
		total += int64(len(data))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range files {
			d := New(Options{})
			for off := 0; off < len(data); off += 512 {
				d.Feed(drivers.Chunk{Time: t0, Data: data[off:min(off+512, len(data))]})
			}
			d.FlushAll()
		}
	}
}
