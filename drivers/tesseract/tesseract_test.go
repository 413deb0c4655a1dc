package tesseract

import (
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/internal/ocrscore"
)

// find returns the installed tesseract. CI installs it (.ci/run): a
// missing program fails the test unless TILLWATCH_ALLOW_SKIP=1.
func find(t testing.TB) *Tesseract {
	t.Helper()
	tt, err := Find("")
	if errors.Is(err, ErrMissing) && os.Getenv("TILLWATCH_ALLOW_SKIP") == "1" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tt
}

var corpus = sync.OnceValues(func() ([]ocrscore.Receipt, error) { return ocrscore.Load("../../testdata/raster") })

// TestCorpusReceipt reads one Chinese and one English corpus receipt.
func TestCorpusReceipt(t *testing.T) {
	tt := find(t)
	rs, err := corpus()
	if err != nil {
		t.Fatal(err)
	}
	var s ocrscore.Score
	for _, r := range rs {
		if r.File != "noto-24-384-escstar-zh-test13" && r.File != "noto-24-384-gsv0-en-test17" {
			continue
		}
		got := s.Decode(r, tt)
		s.Add(r, got)
		if got.Recognised == nil || !strings.HasPrefix(got.Recognised.Engine, "tesseract ") {
			t.Fatalf("%s: recognised %+v", r.File, got.Recognised)
		}
	}
	t.Logf("characters %.1f%%, fields %d/%d, wrong %d, %.0f ms/receipt; %v", s.CharAccuracy(), s.Right, s.Fields, s.Wrong, s.MsPerReceipt(), s.Misses)
	if s.Receipts != 2 || s.CharAccuracy() < 90 {
		t.Fatalf("%d receipts, character accuracy %.1f%%", s.Receipts, s.CharAccuracy())
	}
}

// BenchmarkCorpusTesseract reports Tesseract alone on the corpus's test
// receipts. Target: character accuracy >= 98%.
func BenchmarkCorpusTesseract(b *testing.B) {
	tt := find(b)
	rs, err := corpus()
	if err != nil {
		b.Fatal(err)
	}
	var s ocrscore.Score
	for b.Loop() {
		s = ocrscore.Score{}
		for _, r := range rs {
			if r.Role == "test" {
				s.Add(r, s.Decode(r, tt))
			}
		}
	}
	for _, m := range s.Misses {
		b.Log(m)
	}
	b.ReportMetric(s.CharAccuracy(), "char_%(target_98)")
	b.ReportMetric(s.FieldAccuracy(), "field_%")
	b.ReportMetric(float64(s.Wrong), "wrong_fields")
	b.ReportMetric(s.MsPerReceipt(), "ms/receipt")
}

// BenchmarkCorpusFallback reports a learned glyph dictionary with
// Tesseract reading the lines it is unsure of (ocr: auto), on the
// corpus's test receipts; each font's dictionary is learned from its
// calibration and learn receipts.
func BenchmarkCorpusFallback(b *testing.B) {
	tt := find(b)
	rs, err := corpus()
	if err != nil {
		b.Fatal(err)
	}
	samples := map[string][]glyphs.Sample{}
	for _, r := range rs {
		if r.Role != "test" {
			samples[r.Font] = append(samples[r.Font], glyphs.Sample{Name: r.File, Image: r.Image, Lines: r.Text})
		}
	}
	fb := map[string]Fallback{}
	for font, ss := range samples {
		d := glyphs.New(font)
		d.Learn(ss)
		fb[font] = Fallback{Primary: d, OCR: tt}
	}
	var s ocrscore.Score
	for b.Loop() {
		s = ocrscore.Score{}
		for _, r := range rs {
			if r.Role == "test" {
				s.Add(r, s.Decode(r, fb[r.Font]))
			}
		}
	}
	for _, m := range s.Misses {
		b.Log(m)
	}
	b.ReportMetric(s.CharAccuracy(), "char_%")
	b.ReportMetric(s.FieldAccuracy(), "field_%")
	b.ReportMetric(float64(s.Wrong), "wrong_fields")
	b.ReportMetric(s.MsPerReceipt(), "ms/receipt")
}
