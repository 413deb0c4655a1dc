package escpos

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// summary renders details compactly: kind[:payload] per item, "|" between
// details, "R" for a receipt and "-" for items outside receipts.
func summary(ds []Detail) string {
	var parts []string
	for _, d := range ds {
		s := "-"
		if d.Receipt != nil {
			s = "R"
		}
		for _, it := range d.Items {
			s += " " + it.Kind
			switch {
			case it.Line != nil:
				s += ":" + it.Line.Text
			case it.Data != "":
				s += ":" + it.Symbology + "=" + it.Data
			case it.Width > 0:
				s += fmt.Sprintf(":%dx%d", it.Width, it.Height)
			case it.Command != "" && it.Kind != KindCut && it.Kind != KindDrawerKick:
				s += ":" + it.Command
			}
			if it.Note != "" && (it.Kind == KindCut || it.Kind == KindDrawerKick) {
				s += "(" + it.Note + ")"
			}
			if it.Truncated {
				s += "!"
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

func details(opts Options, in []byte) ([]Detail, Stats) {
	opts.Detail = true
	d := New(opts)
	d.Feed(drivers.Chunk{Time: t0, Data: in})
	d.FlushAll()
	return d.TakeDetails(), d.Stats()
}

func TestDetail(t *testing.T) {
	qr := "\x1d(k\x04\x001A2\x00" + "\x1d(k\x0f\x001P0https://x.cn" + "\x1d(k\x03\x001Q0"
	tests := []struct {
		name string
		opts Options
		in   string
		want string
	}{
		{"lines cut kick", Options{}, "\x1b@A\nB\n\x1dVB\x00\x1bp\x00\x19\xfa",
			"R line:A line:B cut(partial) drawer_kick(pin 2)"},
		{"status polling between jobs", Options{}, "\x10\x04\x01\x1dr\x01A\n\x1dV\x00\x10\x04\x04",
			"- status_request:DLE EOT 1 status_request:GS r 1 | R line:A cut(full) status_request:DLE EOT 4"},
		{"raster image with size", Options{}, "\x1dv0\x00\x02\x00\x03\x00" + strings.Repeat("\xff", 6) + "\x1dV\x00",
			"R image:16x3 cut(full)"},
		{"ESC * 24-dot", Options{}, "\x1b*\x21\x02\x00" + strings.Repeat("\x00", 6) + "\n\x1dV\x00",
			"R image:2x24 cut(full)"},
		{"GS ( L raster to buffer then print", Options{}, "\x1d(L\x0c\x000p0\x01\x01\x31\x08\x00\x02\x00\xff\xff\x1d(L\x02\x0002\x1dV\x00",
			"R image:8x2 cut(full)"},
		{"QR payload", Options{}, "A\n" + qr + "\x1dV\x00", "R line:A 2d:QR=https://x.cn cut(full)"},
		{"PDF417 payload", Options{}, "\x1d(k\x06\x000P0abc\x1d(k\x03\x000Q0\x1dV\x00", "R 2d:PDF417=abc cut(full)"},
		{"barcode A and B", Options{}, "\x1dk\x04AB1\x00\x1dkI\x04{B12X\x1dV\x00", "R barcode:CODE39=AB1 barcode:CODE128=12 line:X cut(full)"},
		{"CODE128 set C", Options{}, "\x1dkI\x04{C\x0c\x22\x1dV\x00", "R barcode:CODE128=1234 cut(full)"},
		{"unknown command with offset", Options{}, "AB\x1bqC\n\x1dV\x00", "R unknown line:ABC cut(full)"},
		{"truncated image", Options{}, "A\n\x1dv0\x00\x10\x00\x10\x00\xff", "R line:A image:128x16"},
		{"truncated QR data", Options{}, "A\n\x1d(k\x10\x001P0abc", "R line:A"},
		{"PAN in barcode masked", Options{}, "\x1dkI\x104111111111111111\x1dV\x00", "R barcode:CODE128=411111******1111 cut(full)"},
		{"star line mode", Options{Printer: mustPrinter("star-line")}, "A\n\x1bb\x34\x31\x32\x50AB1\x1e\x1b\x1dyD1\x00\x03\x00xyz\x1b\x1dyP\x07\x1bd\x01",
			"R line:A barcode:CODE39=AB1 2d:QR=xyz drawer_kick(drawer 1) cut(partial)"},
		{"csn-a2 extras", Options{Printer: mustPrinter("csn-a2")}, "\x1b7\x07\x50\x02\x12#\x0fA\n\x12*\x01\x02\xff\xff\x1dV\x00",
			"R line:A image:DC2 * cut(full)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, st := details(tc.opts, []byte(tc.in))
			if got := summary(ds); got != tc.want {
				t.Errorf("details\n got %s\nwant %s", got, tc.want)
			}
			if tc.name == "unknown command with offset" {
				if it := ds[0].Items[0]; it.Offset != 2 || it.Bytes != "1B 71" {
					t.Errorf("unknown item = %+v, want offset 2, bytes 1B 71", it)
				}
			}
			if strings.HasPrefix(tc.name, "truncated") && st.Truncated != 1 {
				t.Errorf("truncated = %d, want 1", st.Truncated)
			}
			if tc.name == "csn-a2 extras" && st.Unknown != 0 {
				t.Errorf("unknown = %d, want 0 with the csn-a2 profile", st.Unknown)
			}
		})
	}
}

// TestExtrasNeedTheProfile: the CSN-A2 heating command on an Epson profile
// is an unknown command whose arguments leak as text, as a real Epson
// would print them; the profile fixes it.
func TestExtrasNeedTheProfile(t *testing.T) {
	in := []byte("\x1b7\x41\x42\x43Z\n\x1dV\x00")
	evs, d := decodeBytes(Options{}, in)
	if got := allText(receipts(evs)); got != "ABCZ\n" || d.Stats().Unknown != 1 {
		t.Errorf("epson: text %q unknown %d, want ABCZ and 1", got, d.Stats().Unknown)
	}
	evs, d = decodeBytes(Options{Printer: mustPrinter("csn-a2")}, in)
	if got := allText(receipts(evs)); got != "Z\n" || d.Stats().Unknown != 0 {
		t.Errorf("csn-a2: text %q unknown %d, want Z and 0", got, d.Stats().Unknown)
	}
}

func TestPageMode(t *testing.T) {
	tests := []struct {
		name, in, want string
		discarded      int
	}{
		{"FF prints the page", "A\n\x1bLP1\nP2\n\x0cB\n\x1dV\x00", "A/P1/P2/B", 0},
		{"ESC FF prints and stays", "\x1bLP1\n\x1b\x0cP2\n\x0c\x1dV\x00", "P1/P2", 0},
		{"ESC S throws the page away", "A\n\x1bLP1\n\x1bSB\n\x1dV\x00", "A/B", 1},
		{"CAN throws the page away", "A\n\x1bLP1\nP2\x18\x0cB\n\x1dV\x00", "A/B", 1},
		{"ESC @ throws the page away", "A\n\x1dV\x00\x1bLP1\n\x1b@B\n\x1dV\x00", "A|B", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs, d := decodeBytes(Options{}, []byte(tc.in))
			var rs []string
			for _, r := range receipts(evs) {
				var ls []string
				for _, l := range r.Lines {
					ls = append(ls, l.Text)
				}
				rs = append(rs, strings.Join(ls, "/"))
			}
			if got := strings.Join(rs, "|"); got != tc.want {
				t.Errorf("receipts %q, want %q", got, tc.want)
			}
			if got := d.Stats().PageDiscarded; got != tc.discarded {
				t.Errorf("page discarded %d, want %d", got, tc.discarded)
			}
		})
	}
}

// TestRealTimeInsideText: a real-time command between the bytes of a line
// (even between CR and LF, or inside a GBK pair) neither breaks the line
// nor the character.
func TestRealTimeInsideText(t *testing.T) {
	in := []byte("AB\x10\x04\x01CD\r\x10\x04\x02\nE\xba\x10\x14\x01\x00\x01\xcf\n\x1dV\x00")
	evs, d := decodeBytes(Options{ChineseDefault: true, DeviceObserved: false}, in)
	rs := receipts(evs)
	if len(rs) != 1 {
		t.Fatalf("%d receipts", len(rs))
	}
	var ls []string
	for _, l := range rs[0].Lines {
		ls = append(ls, l.Text)
	}
	if got := strings.Join(ls, "/"); got != "ABCD/E合" || !rs[0].DrawerKick {
		t.Errorf("lines %q kick %v, want ABCD/E合 and a kick", got, rs[0].DrawerKick)
	}
	if d.Stats().BadText != 0 {
		t.Errorf("bad text %d", d.Stats().BadText)
	}
}

// TestPANMasked: a card number printed in full never leaves the decoder.
func TestPANMasked(t *testing.T) {
	evs, _ := decodeBytes(Options{}, []byte("CARD 4111 1111 1111 1111\nREF 1234567890123\n\x1dV\x00"))
	got := allText(receipts(evs))
	if want := "CARD 4111 11** **** 1111\nREF 1234567890123\n"; got != want {
		t.Errorf("text %q, want %q (the non-Luhn reference stays)", got, want)
	}
}

// TestDetailChunking: items are the same whatever the chunking.
func TestDetailChunking(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for name, data := range corpus(t) {
		whole, _ := details(Options{}, data)
		d := New(Options{Detail: true})
		var got []Detail
		for _, c := range randomChunks(data, r) {
			d.Feed(drivers.Chunk{Time: t0, Data: c})
			got = append(got, d.TakeDetails()...)
		}
		d.FlushAll()
		got = append(got, d.TakeDetails()...)
		if !reflect.DeepEqual(summary(got), summary(whole)) {
			t.Errorf("%s: chunked details differ", name)
		}
	}
}

func TestPrinterValidate(t *testing.T) {
	for _, name := range PrinterNames() {
		if err := mustPrinter(name).Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad := []Printer{
		{Name: "x", CodePage: "cp999"},
		{Name: "x", DoubleByte: "utf8"},
		{Name: "x", Extra: []Command{{Prefix: "AB", Len: 3}}},
		{Name: "x", Extra: []Command{{Prefix: "\x12*", Len: 4, Body: []int{5}}}},
		{Name: "x", Extra: []Command{{Prefix: "\x12*", Len: 4, Does: "explode"}}},
	}
	for _, p := range bad {
		if err := p.Validate(); err == nil || !strings.HasPrefix(err.Error(), "escpos: ") {
			t.Errorf("%+v: error %v", p, err)
		}
	}
	if _, err := PrinterByName("nope"); err == nil {
		t.Error("unknown printer accepted")
	}
}
