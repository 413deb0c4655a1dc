package receipt

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/internal/golden"
)

// posBuilder writes ESC/POS the way a Chinese supermarket register does:
// ESC @, FS & once, GBK text with CR LF, ESC ! styles, a logo, a feed and
// cut, then the drawer kick.
type posBuilder struct{ b bytes.Buffer }

func (p *posBuilder) raw(s string) *posBuilder { p.b.WriteString(s); return p }

func (p *posBuilder) line(s string) *posBuilder {
	g, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	p.b.WriteString(g + "\r\n")
	return p
}

func (p *posBuilder) bold(s string) *posBuilder {
	return p.raw("\x1b!\x08").line(s).raw("\x1b!\x00")
}

// supermarket builds the cn-supermarket sample: 合计 128.60, 优惠 -8.60,
// 应收 120.00, tenders 银联卡 100.00 + 现金 20.00 (实收 120.00, 找零 0.00).
func supermarket(reprint bool) []byte {
	p := &posBuilder{}
	p.raw("\x1b@\x1c&\x1ba\x01\x1b!\x30").line("惠民超市")
	p.raw("\x1b!\x00").line("浦东新区张江路88号  电话 021-5555 0188")
	if reprint {
		p.bold("*** 重打印 ***")
	}
	p.raw("\x1ba\x00")
	p.line("流水号：0031-20261122-0458")
	p.line("收银员：007 李静   机号：03")
	p.line("日期：2026-11-22 10:15:03")
	p.line("--------------------------------")
	p.line("品名            数量  单价   金额")
	p.line("金龙鱼大米5kg     1  45.90  45.90")
	p.line("伊利纯牛奶250ml  12   3.20  38.40")
	p.line("农夫山泉550ml     6   2.00  12.00")
	p.line("洗洁精1.5kg       1  16.80  16.80")
	p.line("苹果(散装)     1.250 12.40  15.50")
	p.line("--------------------------------")
	p.line("件数：21")
	p.bold("合计：128.60")
	p.line("会员折扣：-6.43   抹零：-2.17")
	p.bold("应收：120.00")
	p.line("银联卡：100.00")
	p.line("  卡号 622588******0271")
	p.line("现金：20.00")
	p.line("实收：120.00   找零：0.00")
	p.line("--------------------------------")
	p.raw("\x1ba\x01").line("谢谢惠顾  凭小票七日内退换")
	p.raw("\x1d(k\x04\x001A2\x00\x1d(k\x1d\x001P0https://e.example.cn/r/0458\x1d(k\x03\x001Q0")
	p.raw("\x1bd\x04\x1dVB\x00\x1bp\x00\x19\xfa")
	return p.b.Bytes()
}

// sampleLines decodes a sample: ESC/POS bytes through escpos, text by line.
func sampleLines(t *testing.T, path string) *drivers.Receipt {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".txt") {
		r := &drivers.Receipt{}
		for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
			r.Lines = append(r.Lines, drivers.Line{Text: l})
		}
		return r
	}
	d := escpos.New(escpos.Options{})
	evs := d.Feed(drivers.Chunk{Time: time.Unix(0, 0), Data: b})
	evs = append(evs, d.FlushAll()...)
	if len(evs) != 1 {
		t.Fatalf("%s: %d events, want one receipt", path, len(evs))
	}
	return evs[0].(*drivers.Receipt)
}

// explainText renders an Explanation for the golden files.
func explainText(r *drivers.Receipt, ex Explanation) string {
	var b strings.Builder
	for _, f := range ex.Findings {
		used := " "
		if f.Used {
			used = "*"
		}
		fmt.Fprintf(&b, "%s %3d %-12s %-10s %-10s | %s\n", used, f.Line, f.Field, f.Label, f.Value, f.Text)
	}
	fmt.Fprintf(&b, "unclaimed lines %v\n", ex.Unclaimed)
	fmt.Fprintf(&b, "fields %+v reprint=%v\n", view(r), r.Reprint)
	return b.String()
}

// TestSamples runs each built-in profile over its sample receipt: the
// fields a detector needs, and line by line findings against a golden file.
func TestSamples(t *testing.T) {
	golden.Check(t, filepath.Join("testdata", "samples", "cn-supermarket.bin"), supermarket(false))
	tests := []struct {
		profile, file string
		want          fields
	}{
		{"cn-supermarket", "cn-supermarket.bin", fields{"0031-20261122-0458", 12860, 12000, 0, "card:10000,cash:2000", false}},
		{"restaurant", "restaurant.txt", fields{"A20261122-0087", 30140, 28000, 0, "wallet:28000", false}},
		{"en-retail", "en-retail.txt", fields{"88213", 4346, 4346, -1, "card:4346", false}},
		{"generic", "cn-supermarket.bin", fields{"0031-20261122-0458", 12860, 12000, 0, "card:10000,cash:2000", false}},
		{"de-retail", "de-retail.txt", fields{"4711", 2122, 2122, 2878, "cash:5000", false}},
	}
	for _, tc := range tests {
		t.Run(tc.profile+"/"+tc.file, func(t *testing.T) {
			p, err := Builtin(tc.profile)
			if err != nil {
				t.Fatal(err)
			}
			r := sampleLines(t, filepath.Join("testdata", "samples", tc.file))
			ex := p.Explain(r)
			if got := view(r); got != tc.want {
				t.Errorf("fields\n got %+v\nwant %+v", got, tc.want)
			}
			golden.CheckString(t, filepath.Join("testdata", "samples", tc.profile+"."+strings.TrimSuffix(tc.file, filepath.Ext(tc.file))+".golden"), explainText(r, ex))
		})
	}
}

// TestReprints: every builtin profile marks reprints and leaves card slip
// copies alone.
func TestReprints(t *testing.T) {
	cases := []struct {
		line string
		want bool
	}{
		{"*** 重打印 ***", true}, {"副本", true}, {"REPRINT", true}, {"COPY", true},
		{"CUSTOMER COPY", false}, {"MERCHANT COPY", false}, {"谢谢惠顾", false},
	}
	for _, name := range BuiltinNames() {
		p, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if name == "cn-supermarket" && (c.line == "REPRINT" || c.line == "COPY" || strings.Contains(c.line, " COPY")) {
				continue // a Chinese register prints no English markers
			}
			if name == "en-retail" && c.want && c.line[0] >= 0x80 || name == "en-retail" && strings.HasPrefix(c.line, "***") {
				continue // and an English one no Chinese markers
			}
			if name == "de-retail" && c.want {
				continue // a German one neither (TestGerman has its own)
			}
			r := &drivers.Receipt{Lines: lines(c.line, "合计 10.00", "TOTAL 10.00")}
			p.Extract(r)
			if r.Reprint != c.want {
				t.Errorf("%s: %q reprint=%v, want %v", name, c.line, r.Reprint, c.want)
			}
		}
	}
	// The same sale reprinted reads the same fields, flagged as a reprint.
	p, _ := Builtin("cn-supermarket")
	d := escpos.New(escpos.Options{Fields: p})
	evs := append(d.Feed(drivers.Chunk{Time: time.Unix(0, 0), Data: supermarket(true)}), d.FlushAll()...)
	r := evs[0].(*drivers.Receipt)
	if !r.Reprint || r.Due == nil || *r.Due != 12000 {
		t.Errorf("reprint=%v due=%v, want a reprint of due 120.00", r.Reprint, r.Due)
	}
}
