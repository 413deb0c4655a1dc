package template

import (
	"os"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// benchTemplate decodes a golden input fed in 64-byte chunks and reports
// frames/s.
func benchTemplate(b *testing.B, name string) {
	tpl := mustLoad(b, name)
	data, err := os.ReadFile("testdata/" + name + "/input")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	frames := 0
	for b.Loop() {
		d := New(tpl)
		for p := data; len(p) > 0; {
			k := min(64, len(p))
			d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: p[:k]})
			p = p[k:]
		}
		d.Flush(t0)
		frames += d.Stats().Frames
	}
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}

func BenchmarkLinelog(b *testing.B) { benchTemplate(b, "linelog") }
func BenchmarkMISPOS(b *testing.B)  { benchTemplate(b, "mispos") }

func BenchmarkRedactLinelog(b *testing.B) {
	tpl := mustLoad(b, "linelog")
	data, err := os.ReadFile("testdata/linelog/input")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		NewRedactor(tpl).Redact(drivers.FromDevice, data)
	}
}
