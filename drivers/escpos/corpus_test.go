package escpos

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/golden"
)

// goldenText renders what the decoder made of a stream: every receipt with its
// line styles, then the counters that prove nothing was skipped.
func goldenText(evs []drivers.Event, st Stats) string {
	var b strings.Builder
	for i, r := range receipts(evs) {
		fmt.Fprintf(&b, "=== receipt %d ended=%s cut=%v kick=%v graphics_only=%v unknown=%d lines=%d\n",
			i+1, r.Ended, r.Cut, r.DrawerKick, r.GraphicsOnly, r.Unknown, len(r.Lines))
		for _, l := range r.Lines {
			fmt.Fprintf(&b, "%s|%s\n", styleTag(l), l.Text)
		}
	}
	fmt.Fprintf(&b, "=== stats jobs=%d dropped=%d unknown=%d truncated=%d bad_text=%d\n",
		st.Jobs, st.Dropped, st.Unknown, st.Truncated, st.BadText)
	return b.String()
}

// styleTag is a fixed-width style column: Bold, double Height, double
// Width, Underline, Inverse, alignment (l, c, r).
func styleTag(l drivers.Line) string {
	flag := func(on bool, c byte) byte {
		if on {
			return c
		}
		return '-'
	}
	a := byte('l')
	switch l.Align {
	case "center":
		a = 'c'
	case "right":
		a = 'r'
	}
	return string([]byte{flag(l.Bold, 'B'), flag(l.DoubleHeight, 'H'), flag(l.DoubleWidth, 'W'),
		flag(l.Underline, 'U'), flag(l.Inverse, 'I'), a})
}

// expectText lists text that must appear in each file's decoded lines.
var expectText = map[string][]string{
	"SnailDev.EscPosParser_receipt-text": {"客人就餐消费单", "消费合计：68.00", "应收金额：68.00", "折扣金额： 0.00", "鲟龙鱼", "单号：0012"},
	"escpos-php_barcode":                 {"Height and bar width", "Width 8"},
	"escpos-php_bit-image":               {"Regular Tux (bit image).", "Large Tux in correct proportion (bit image)."},
	"escpos-php_character-encodings":     {"Falsches Üben von Xylophonmusik quält jeden größeren Zwerg.", "В чащах юга жил бы цитрус?", "là ngôn ngữ chính thức tại Việt Nam", "นายสังฆภัณฑ์ เฮงพิทักษ์ฝั่ง"},
	"escpos-php_character-tables":        {"Table 0: CP437", "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒ", "ĂÂÊÔƠƯĐăâêôơưđ", "ỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙ", "กขฃคฅฆงจฉชซฌญฎฏ"},
	"escpos-php_demo":                    {"Hello world", "ABCDEFGHIJabcdefghijk"},
	"escpos-php_graphics":                {"Regular Tux.", "Large Tux in correct proportion."},
	"escpos-php_margins-and-spacing":     {"left margin 512", "page\n", "width\n", " 64"}, // GS W 64 dots: five characters a line, as printed
	"escpos-php_pdf417-code":             {"PDF417 code demo", "Height multiplier 3 (default)"},
	"escpos-php_qr-code":                 {"QR code demo", "Pixel size 4"},
	"escpos-php_text-size":               {"Change height & width", "Largest possible text:"},
	"escpos-php_unifont-print-buffer":    {" !\"\"#", "$#%\"&"},
	"escpos-tools_receipt-with-logo":     {"ExampleMart Ltd.", "Subtotal                                   12.95", "Total            $ 14.25"},
}

// TestCorpus decodes every real stream: no unknown command, no truncation,
// the expected text, no status request invented from data bytes (the
// DLE EOT look-alike inside ESC & glyphs), and the golden text.
func TestCorpus(t *testing.T) {
	files := corpus(t)
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			want, ok := expectText[name]
			if !ok {
				t.Fatalf("no expectations for %s: add them", name)
			}
			evs, d := decodeBytes(Options{DeviceObserved: true}, data)
			st := d.Stats()
			if st.Unknown != 0 || st.Truncated != 0 {
				t.Errorf("unknown=%d (%v) truncated=%d, want 0", st.Unknown, st.UnknownAt, st.Truncated)
			}
			if ss := statuses(evs); len(ss) != 0 {
				t.Errorf("status events from print data: %+v", ss[0])
			}
			rs := receipts(evs)
			if len(rs) == 0 {
				t.Fatal("no receipt")
			}
			for _, r := range rs {
				if !r.Cut || r.Ended != "cut" {
					t.Errorf("receipt ended %q cut=%v, want a cut", r.Ended, r.Cut)
				}
			}
			text := allText(rs)
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			golden.CheckString(t, filepath.Join("testdata", "golden", name+".txt"), goldenText(evs, st))
		})
	}
}

// TestChunkingInvariance feeds each file whole, byte by byte and in random
// chunks: the events must be identical.
func TestChunkingInvariance(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for name, data := range corpus(t) {
		t.Run(name, func(t *testing.T) {
			for _, opts := range []Options{{}, {ChineseDefault: true}, {StarLineMode: true}} {
				whole, _ := decodeBytes(opts, data)
				want := marshalAll(t, whole)
				single, _ := decodeChunks(opts, byteByByte(data))
				if got := marshalAll(t, single); !slices.Equal(got, want) {
					t.Fatalf("byte by byte differs from whole (opts %+v)", opts)
				}
				for range 5 {
					evs, _ := decodeChunks(opts, randomChunks(data, r))
					if got := marshalAll(t, evs); !slices.Equal(got, want) {
						t.Fatalf("random chunking differs from whole (opts %+v)", opts)
					}
				}
			}
		})
	}
}

// TestGBKBill checks the real Chinese bill line by line where it matters.
func TestGBKBill(t *testing.T) {
	data := corpus(t)["SnailDev.EscPosParser_receipt-text"]
	evs, d := decodeBytes(Options{}, data)
	rs := receipts(evs)
	if len(rs) != 1 {
		t.Fatalf("got %d receipts, want 1 (the trailing ESC @ must not make an empty one)", len(rs))
	}
	r := rs[0]
	byText := map[string]drivers.Line{}
	for _, l := range r.Lines {
		byText[strings.TrimSpace(l.Text)] = l
	}
	for _, w := range []string{"消费合计：68.00", "应收金额：68.00", "***餐馆", "桌号：28"} {
		if _, ok := byText[w]; !ok {
			t.Errorf("no line %q in\n%s", w, Render(r))
		}
	}
	// ESC ! 0x28: emphasised, double width; ESC a 1: centred.
	if l := byText["***餐馆"]; !l.Bold || l.DoubleHeight || !l.DoubleWidth || l.Align != "center" {
		t.Errorf("title style = %+v, want bold, double width, centred", l)
	}
	if l := byText["桌号：28"]; !l.Bold {
		t.Errorf("table line style = %+v, want bold", l)
	}
	// The separator split by ESC ! 00 decodes to dashes only: the stray
	// bytes are dropped, not printed as garbage.
	sep := r.Lines[3].Text
	if strings.Trim(sep, "—") != "" || len([]rune(sep)) < 20 {
		t.Errorf("split separator = %q, want a run of dashes", sep)
	}
	if st := d.Stats(); st.BadText != 2 {
		t.Errorf("bad text bytes = %d, want 2 (stray lead bytes around the split)", st.BadText)
	}
}
