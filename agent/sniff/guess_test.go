package sniff

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/sim"
)

func receiptBytes(t *testing.T, rs ...sim.Receipt) []byte {
	t.Helper()
	var b []byte
	for _, r := range rs {
		p, err := r.ESCPOS()
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, p...)
	}
	return b
}

var (
	english = sim.Receipt{Number: "0042", Items: []sim.Item{{Name: "COFFEE", Amount: 320}, {Name: "BAGEL", Amount: 250}}, Tenders: []sim.Tender{{Kind: "card", Amount: 570}}}
	chinese = sim.Receipt{Number: "0043", Chinese: true, Currency: "CNY", Items: []sim.Item{{Name: "苹果", Amount: 1200}, {Name: "牛奶", Amount: 650}}, Tenders: []sim.Tender{{Kind: "cash", Amount: 2000}}}
)

// TestPrinterEnglish: plain ASCII receipts keep Epson's defaults and find
// the total.
func TestPrinterEnglish(t *testing.T) {
	g := Printer(receiptBytes(t, english, english), "EUR")
	if g.Printer != "epson" || g.ChineseDefault || g.Receipts != 2 || !strings.Contains(g.Found, "2 totals") {
		t.Fatalf("guess %+v", g)
	}
}

// TestPrinterChineseDefault: a printer that powers up in Chinese mode gets
// raw GBK with no FS &: the guess is chinese_default, and the profile
// reads the Chinese labels.
func TestPrinterChineseDefault(t *testing.T) {
	raw := bytes.ReplaceAll(receiptBytes(t, chinese, chinese), []byte{0x1c, 0x26}, nil)
	g := Printer(raw, "CNY")
	if !g.ChineseDefault || g.Receipts != 2 || !strings.Contains(g.Found, "2 totals") {
		t.Fatalf("guess %+v", g)
	}
	t.Logf("chinese: %+v", g)
}

// TestPrinterNothing: no receipt, Epson's defaults.
func TestPrinterNothing(t *testing.T) {
	if g := Printer(nil, "EUR"); g.Printer != "epson" || g.ReceiptProfile != "generic" || g.Receipts != 0 {
		t.Fatalf("guess %+v", g)
	}
}

// sale is a card sale's conversation as timed chunks of both directions.
func sale(t *testing.T, s sim.CardSale) []drivers.Chunk {
	t.Helper()
	ws, err := sim.Compile([]sim.Action{{Sale: &s}})
	if err != nil {
		t.Fatal(err)
	}
	var cs []drivers.Chunk
	t0 := time.Unix(1700000000, 0).UTC()
	for _, w := range ws {
		dir := drivers.FromHost
		if w.Wire == sim.TerminalDevice {
			dir = drivers.FromDevice
		}
		cs = append(cs, drivers.Chunk{Time: t0.Add(w.At), Dir: dir, Data: w.Data})
	}
	return cs
}

// TestTerminal: ZVT and Transbank conversations are told apart by the
// payments each decoder reads.
func TestTerminal(t *testing.T) {
	zvtSale := sim.CardSale{Requested: 1250, Trace: "000101", ReceiptNo: "0007", AuthCode: "123456", PAN: "4111EEEEEEEE1111", Terminal: "29001234"}
	if g := Terminal(sale(t, zvtSale)); g.Protocol != "zvt" || g.Payments != 1 {
		t.Errorf("zvt: %+v", g)
	}
	tb := zvtSale
	tb.Transbank, tb.Requested = true, 8000
	if g := Terminal(sale(t, tb)); g.Protocol != "transbank" || g.Payments != 1 {
		t.Errorf("transbank: %+v", g)
	}
	if g := Terminal([]drivers.Chunk{{Data: []byte("hello")}}); g.Protocol != "" {
		t.Errorf("noise: %+v", g)
	}
}

// TestLooks: print data and terminal frames look different.
func TestLooks(t *testing.T) {
	if l := Looks(receiptBytes(t, english)); l != "ESC/POS print data" {
		t.Errorf("receipt looks like %q", l)
	}
	if l := Looks(sale(t, sim.CardSale{Requested: 100})[0].Data); l != "terminal frames" {
		t.Errorf("ZVT looks like %q", l)
	}
}
