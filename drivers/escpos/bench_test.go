package escpos

import (
	"fmt"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/internal/cputime"
)

// cpuMeter reports a benchmark's throughput per CPU second of the whole
// process (cpu_MB/s), beside its target: on a shared machine the
// wall-clock MB/s depends on what else runs.
type cpuMeter struct {
	b     *testing.B
	start time.Duration
	ok    bool
}

func startCPU(b *testing.B) cpuMeter {
	c, ok := cputime.Self()
	return cpuMeter{b: b, start: c, ok: ok}
}

// report adds cpu_MB/s for bytes decoded per iteration, with its target
// (MB/s) in the unit's name.
func (m cpuMeter) report(bytes int64, target int) {
	end, ok := cputime.Self()
	if !m.ok || !ok || end <= m.start {
		return
	}
	mbs := float64(bytes) * float64(m.b.N) / (end - m.start).Seconds() / 1e6
	m.b.ReportMetric(mbs, fmt.Sprintf("cpu_MB/s(target_%d)", target))
}

// BenchmarkDecodeCorpus decodes every testdata stream in 512-byte chunks:
// the repository's mixed samples, graphics included (target 50 MB/s). No
// recogniser reads the images, so their dots are not drawn (a lane without
// OCR).
func BenchmarkDecodeCorpus(b *testing.B) { benchCorpus(b, Options{}) }

// BenchmarkDecodeCorpusDrawn is BenchmarkDecodeCorpus with the images
// drawn, for a recogniser that then reads nothing: the decoder's share of
// a lane with OCR.
func BenchmarkDecodeCorpusDrawn(b *testing.B) { benchCorpus(b, Options{Recognizer: blindRecognizer{}}) }

// blindRecognizer reads no text.
type blindRecognizer struct{}

func (blindRecognizer) Recognize(*raster.Bitmap) raster.Result { return raster.Result{} }

func benchCorpus(b *testing.B, opts Options) {
	files := corpus(b)
	var total int64
	for _, data := range files {
		total += int64(len(data))
	}
	decode := func() int {
		jobs := 0
		for _, data := range files {
			d := New(opts)
			for off := 0; off < len(data); off += 512 {
				jobs += countReceipts(d.Feed(drivers.Chunk{Time: t0, Data: data[off:min(off+512, len(data))]}))
			}
			jobs += countReceipts(d.FlushAll())
		}
		return jobs
	}
	decode() // the code tables are built on first use
	b.SetBytes(total)
	b.ReportAllocs()
	cpu := startCPU(b)
	jobs := 0
	for b.Loop() {
		jobs = decode()
	}
	cpu.report(total, 50)
	if jobs > 0 {
		b.ReportMetric(float64(testing.AllocsPerRun(3, func() { decode() }))/float64(jobs), "allocs/receipt")
	}
}

func countReceipts(evs []drivers.Event) int {
	n := 0
	for _, ev := range evs {
		if _, ok := ev.(*drivers.Receipt); ok {
			n++
		}
	}
	return n
}

// synthetic builds a stream of n realistic receipts (GBK supermarket
// receipts with styles, a raster logo, a QR code, a cut and a drawer kick),
// about 1.1 KB each.
func synthetic(n int) []byte { return receiptStream(n, true) }

// receiptStream builds n receipts, with the logo and the QR code when graphics.
func receiptStream(n int, graphics bool) []byte {
	var b []byte
	logo := append([]byte("\x1dv0\x00\x30\x00\x08\x00"), make([]byte, 48*8)...)
	for i := range n {
		b = append(b, "\x1b@\x1c&\x1ba\x01\x1b!\x30"...)
		if graphics {
			b = append(b, logo...)
		}
		b = append(b, "\xb3\xac\xca\xd0\r\n\x1b!\x00\x1ba\x00"...)  // 超市
		b = fmt.Appendf(b, "\xc1\xf7\xcb\xae\xba\xc5: %08d\r\n", i) // 流水号
		for k := range 12 {
			b = fmt.Appendf(b, "ITEM %02d   \xc9\xcc\xc6\xb7   %3d x %6.2f %8.2f\r\n", k, 1+k%3, 1.5+float64(k), float64(1+k%3)*(1.5+float64(k)))
		}
		b = append(b, "\x1b!\x08\xba\xcf\xbc\xc6: 123.00\r\n\x1b!\x00\xd3\xa6\xca\xd5: 120.00\r\n\xd2\xf8\xd0\xd0\xbf\xa8: 120.00\r\n"...)
		if graphics {
			b = append(b, "\x1d(k\x04\x001A2\x00\x1d(k\x13\x001P0https://e.cn/r/0001\x1d(k\x03\x001Q0"...)
		}
		b = append(b, "\x1dVB\x00\x1bp\x00\x19\xfa"...)
	}
	return b
}

// BenchmarkDecodeSynthetic decodes 50 MB of generated receipts in 4 KiB
// chunks and reports MB/s, receipts per second and allocations per
// receipt.
func BenchmarkDecodeSynthetic(b *testing.B) { benchReceipts(b, true, 50) }

// BenchmarkDecodeText is BenchmarkDecodeSynthetic without the logo and the
// QR code: a text-receipt corpus (target 100 MB/s).
func BenchmarkDecodeText(b *testing.B) { benchReceipts(b, false, 100) }

func benchReceipts(b *testing.B, graphics bool, target int) {
	one := len(receiptStream(1, graphics))
	n := 50 << 20 / one
	data := receiptStream(n, graphics)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var receipts int
	cpu := startCPU(b)
	for b.Loop() {
		d := New(Options{ChineseDefault: true})
		receipts = 0
		for off := 0; off < len(data); off += 4096 {
			receipts += len(d.Feed(drivers.Chunk{Time: t0, Data: data[off:min(off+4096, len(data))]}))
		}
		receipts += len(d.FlushAll())
	}
	cpu.report(int64(len(data)), target)
	if receipts != n {
		b.Fatalf("%d receipts, want %d", receipts, n)
	}
	b.ReportMetric(float64(receipts)*float64(b.N)/b.Elapsed().Seconds(), "receipts/s")
}

// BenchmarkAllocsPerReceipt decodes one generated receipt at a time with
// a long-lived decoder (as the agent does) and reports allocations per
// receipt.
func BenchmarkAllocsPerReceipt(b *testing.B) {
	data := synthetic(1)
	d := New(Options{ChineseDefault: true})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d.Feed(drivers.Chunk{Time: t0, Data: data})
	}
	b.ReportMetric(float64(testing.AllocsPerRun(100, func() { d.Feed(drivers.Chunk{Time: t0, Data: data}) })), "allocs/receipt")
}
