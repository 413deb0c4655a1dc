package slip

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// FuzzRead feeds any text to both built-in profiles: Read never panics,
// and whatever it returns carries a masked card only.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.txt")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("卡号:6225880000004321\n交易类型:消费\n金额:\nRMB 1.00\n凭证号:1")
	profs := []*Profile{}
	for _, n := range []string{"unionpay", "de-en"} {
		p, err := Builtin(n)
		if err != nil {
			f.Fatal(err)
		}
		profs = append(profs, p)
	}
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Split(text, "\n")
		for _, p := range profs {
			s, err := p.Read(lines)
			if err != nil {
				continue
			}
			if s.Card != drivers.MaskPAN(s.Card) {
				t.Fatalf("card not masked: %q", s.Card)
			}
			if s.Amount < 0 {
				t.Fatalf("negative magnitude %d", s.Amount)
			}
			if pay := s.Payment(time.Time{}); pay != nil && pay.Card != drivers.MaskPAN(pay.Card) {
				t.Fatalf("payment card not masked: %q", pay.Card)
			}
		}
	})
}

func BenchmarkRead(b *testing.B) {
	prof, _ := Builtin("unionpay")
	lines := readLines(b, "testdata/unionpay/sale.txt")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := prof.Read(lines); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "slips/s")
}
