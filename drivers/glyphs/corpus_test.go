package glyphs

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/tillwatch/tillwatch/internal/ocrscore"
)

const corpusDir = "../../testdata/raster"

var loadCorpus = sync.OnceValues(func() ([]ocrscore.Receipt, error) { return ocrscore.Load(corpusDir) })

// learned returns one dictionary per corpus font, learned from its
// calibration and learn receipts (a lane learns its one driver's font).
func learned(t testing.TB) (map[string]*Dict, []ocrscore.Receipt) {
	return learnedFrom(t, learnOnce())
}

// learnedVariants is learned for testdata/raster/variants: receipts
// printed as real drivers print and the main corpus does not.
func learnedVariants(t testing.TB) (map[string]*Dict, []ocrscore.Receipt) {
	return learnedFrom(t, learnVariantsOnce())
}

func learnedFrom(t testing.TB, l learnt) (map[string]*Dict, []ocrscore.Receipt) {
	t.Helper()
	if l.err != nil {
		t.Fatal(l.err)
	}
	for _, s := range l.skipped {
		t.Error(s)
	}
	return l.dicts, l.rs
}

type learnt struct {
	dicts   map[string]*Dict
	rs      []ocrscore.Receipt
	skipped []string
	err     error
}

var (
	learnOnce         = sync.OnceValue(func() learnt { return learnDir(corpusDir, fontLane) })
	learnVariantsOnce = sync.OnceValue(func() learnt { return learnDir(corpusDir+"/variants", fontLane) })
	learnPerSizeOnce  = sync.OnceValue(func() learnt { return learnDir(corpusDir, sizeLane) })
)

// learnedPerSize learns one dictionary per font and size, as a lane whose
// driver prints one size learns: no other size's widths to go by.
func learnedPerSize(t testing.TB) (map[string]*Dict, []ocrscore.Receipt) {
	return learnedFrom(t, learnPerSizeOnce())
}

// fontLane and sizeLane name the lane a receipt belongs to: one per font,
// or one per font and size.
func fontLane(r ocrscore.Receipt) string { return r.Font }
func sizeLane(r ocrscore.Receipt) string { return fmt.Sprintf("%s-%d", r.Font, r.Size) }

// dictFor is the dictionary a receipt is read with.
func dictFor(dicts map[string]*Dict, r ocrscore.Receipt) *Dict {
	if d, ok := dicts[sizeLane(r)]; ok {
		return d
	}
	return dicts[fontLane(r)]
}

func learnDir(dir string, lane func(ocrscore.Receipt) string) learnt {
	rs, err := loadCorpus()
	if dir != corpusDir {
		rs, err = ocrscore.Load(dir)
	}
	if err != nil {
		return learnt{err: err}
	}
	samples := map[string][]Sample{}
	for _, r := range rs {
		if r.Role != "test" {
			samples[lane(r)] = append(samples[lane(r)], Sample{Name: r.File, Image: r.Image, Lines: r.Text})
		}
	}
	l := learnt{dicts: map[string]*Dict{}, rs: rs}
	for font, ss := range samples {
		d := New(font)
		rep := d.Learn(ss)
		if len(rep.Skipped) > len(ss) {
			l.skipped = append(l.skipped, fmt.Sprintf("%s: %d lines could not be learned: %v", font, len(rep.Skipped), rep.Skipped))
		}
		l.dicts[font] = d
	}
	return l
}

// TestCorpusFields reads the corpus's test receipts (never learned from)
// with the dictionary of their font: an amount is read exactly or not at
// all (the receipt then says its amounts are unsure), never wrongly; and
// nearly all are read.
func TestCorpusFields(t *testing.T) {
	s := readCorpus(t, learned)
	if s.FieldAccuracy() < 98 {
		t.Errorf("field accuracy %.1f%%, was over 98%%", s.FieldAccuracy())
	}
}

// TestCorpusPerSize reads the test receipts with dictionaries learned
// per font and size (a lane's driver printing one size): nothing is read
// wrongly. Its figures are logged; learning from one size only has fewer
// widths to line broken glyphs up by.
func TestCorpusPerSize(t *testing.T) {
	readCorpus(t, learnedPerSize)
}

// TestCorpusVariants reads the variant receipts (per-glyph baseline
// jitter, dithered edges, bold by double strike) with the dictionary each
// variant learned: what is read is read exactly, no amount wrongly.
func TestCorpusVariants(t *testing.T) {
	readCorpus(t, learnedVariants)
}

// readCorpus reads the test receipts with their font's dictionary and
// fails on an amount read wrongly.
func readCorpus(t *testing.T, learn func(testing.TB) (map[string]*Dict, []ocrscore.Receipt)) ocrscore.Score {
	dicts, rs := learn(t)
	var s ocrscore.Score
	for _, r := range rs {
		if r.Role != "test" {
			continue
		}
		got := s.Decode(r, dictFor(dicts, r))
		s.Add(r, got)
		if got.Recognised == nil {
			t.Errorf("%s: no recognised lines", r.File)
		}
	}
	if s.Receipts == 0 || s.Fields == 0 {
		t.Fatalf("no test receipt with fields read from the corpus (%d receipts): nothing was measured", s.Receipts)
	}
	for _, m := range s.Misses {
		t.Log(m)
	}
	t.Logf("%d receipts: characters %.2f%%, fields %.2f%% (%d of %d, %d wrong)", s.Receipts, s.CharAccuracy(), s.FieldAccuracy(), s.Right, s.Fields, s.Wrong)
	if s.Wrong > 0 {
		t.Errorf("%d amounts read wrongly: a recogniser may miss an amount, never guess one", s.Wrong)
	}
	return s
}

// BenchmarkCorpusGlyphs reports the dictionary path on the corpus's test
// receipts: character and field accuracy and milliseconds per receipt
// (decoding included). Targets: fields 100% for learned fonts, <= 50 ms.
func BenchmarkCorpusGlyphs(b *testing.B) { benchCorpus(b, learned) }

// BenchmarkCorpusGlyphsVariants is BenchmarkCorpusGlyphs on the variant
// receipts (testdata/raster/variants: baseline jitter, dithered edges,
// bold by double strike), each variant learned as a lane of its own.
func BenchmarkCorpusGlyphsVariants(b *testing.B) { benchCorpus(b, learnedVariants) }

// BenchmarkCorpusGlyphsPerSize is BenchmarkCorpusGlyphs with one
// dictionary per font and size.
func BenchmarkCorpusGlyphsPerSize(b *testing.B) { benchCorpus(b, learnedPerSize) }

func benchCorpus(b *testing.B, learn func(testing.TB) (map[string]*Dict, []ocrscore.Receipt)) {
	dicts, rs := learn(b)
	var s ocrscore.Score
	for b.Loop() {
		s = ocrscore.Score{}
		for _, r := range rs {
			if r.Role == "test" {
				s.Add(r, s.Decode(r, dictFor(dicts, r)))
			}
		}
	}
	b.ReportMetric(s.CharAccuracy(), "char_%")
	b.ReportMetric(s.FieldAccuracy(), "field_%(target_100)")
	b.ReportMetric(float64(s.Wrong), "wrong_fields")
	b.ReportMetric(s.MsPerReceipt(), "ms/receipt(target_50)")
}

// BenchmarkDictionaryMemory reports the heap a loaded dictionary keeps (a
// lane's idle cost): the noto dictionary learned from the corpus, written
// and read back as a lane loads it. Target: far below 20 MiB.
func BenchmarkDictionaryMemory(b *testing.B) {
	dicts, _ := learned(b)
	var buf bytes.Buffer
	if err := dicts["noto"].Write(&buf); err != nil {
		b.Fatal(err)
	}
	var heap float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d, err := Read(bytes.NewReader(buf.Bytes()), "noto.glyphs")
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		runtime.KeepAlive(d)
	}
	b.ReportMetric(heap, "heap_MiB(target_20)")
	b.ReportMetric(float64(buf.Len())/1024, "file_KiB")
}

// TestCorpusMissingDigit takes all glyphs of one digit out of each
// dictionary in turn (a digit the lane never printed while learning, or
// printed in a weight it did not learn) and reads the test receipts,
// variants included: the digit's glyphs must read as unknown or unsure,
// never as a digit that looks like it, so no amount is read wrongly.
func TestCorpusMissingDigit(t *testing.T) {
	if testing.Short() {
		t.Skip("reads every test receipt ten times")
	}
	for _, learn := range []func(testing.TB) (map[string]*Dict, []ocrscore.Receipt){learned, learnedVariants, learnedPerSize} {
		dicts, rs := learn(t)
		for digit := '0'; digit <= '9'; digit++ {
			without := map[string]*Dict{}
			for font, d := range dicts {
				w := New(d.name)
				w.Space, w.bearing = d.Space, d.bearing
				for _, g := range d.glyphs {
					if !strings.ContainsRune(g.Text, digit) {
						cp := *g
						w.add(&cp)
					}
				}
				without[font] = w
			}
			var s ocrscore.Score
			for _, r := range rs {
				if r.Role == "test" {
					s.Add(r, s.Decode(r, dictFor(without, r)))
				}
			}
			if s.Wrong > 0 {
				for _, m := range s.Misses {
					if strings.Contains(m, " read as ") {
						t.Errorf("without %q: %s", digit, m)
					}
				}
			}
		}
	}
}
