package transbank

import (
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// BenchmarkDecoder decodes the sale-and-void conversation (6 frames, ACKs
// between) fed in 64-byte chunks, and reports frames/s.
func BenchmarkDecoder(b *testing.B) {
	conv := saleAndVoid()
	frames := 0
	size := 0
	for _, s := range conv {
		size += len(s.data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		d := New(Options{})
		for _, s := range conv {
			for p := s.data; len(p) > 0; {
				k := min(64, len(p))
				d.Feed(drivers.Chunk{Time: t0, Dir: s.dir, Data: p[:k]})
				p = p[k:]
			}
		}
		frames += d.Stats().Frames
	}
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}

// BenchmarkVoucherFrame decodes the largest vector (a 0271 with two
// vouchers, 2 KiB) in one chunk.
func BenchmarkVoucherFrame(b *testing.B) {
	var fr []byte
	for _, v := range loadVectors(b) {
		if v.ID == "integrado-mc-credit-voucher" {
			fr = v.frame(b)
		}
	}
	b.SetBytes(int64(len(fr)))
	b.ReportAllocs()
	d := New(Options{})
	n := 0
	for b.Loop() {
		d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: fr})
		d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromHost, Data: ack})
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "frames/s")
}
