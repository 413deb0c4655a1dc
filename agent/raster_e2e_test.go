package agent_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/demo"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/pcitest"
	"github.com/tillwatch/tillwatch/internal/rastertest"
	"github.com/tillwatch/tillwatch/internal/scenarios"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// rasterPAN is a Luhn-valid test card number the register prints in full,
// as an image.
const rasterPAN = "4111111111111111"

// driverFont is the font of the simulated printer driver: the Go font,
// which golang.org/x/image embeds, so the test needs no system fonts.
func driverFont(t *testing.T) *rasterprint.Font {
	t.Helper()
	return rastertest.GoFont(t)
}

// asDriverPrints turns a register's text print job into what a Windows
// driver sends for it: the same lines rendered in one image, then a cut.
func asDriverPrints(t *testing.T, f *rasterprint.Font, job []byte) ([]byte, []string) {
	t.Helper()
	page, text := rastertest.DriverPage(t, f, job)
	return rasterprint.Encode(page, 576, rasterprint.GSv0), text
}

// learnDriver learns the driver's font. The receipts learned from are not
// the ones the test then plays.
func learnDriver(t *testing.T, f *rasterprint.Font, path string) {
	t.Helper()
	rastertest.LearnDriver(t, f, path,
		sim.Receipt{Number: "7001", Currency: "CNY", Items: []sim.Item{{Name: "COFFEE", Amount: 1234}, {Name: "MILK", Amount: 5678}}, Tenders: []sim.Tender{{Kind: "card", Amount: 6912}}},
		sim.Receipt{Number: "7002", Currency: "CNY", Items: []sim.Item{{Name: "BREAD", Amount: 9012}, {Name: "TEA", Amount: 345}}, Tenders: []sim.Tender{{Kind: "cash", Amount: 10000}}},
		sim.Receipt{Number: "7003", Currency: "CNY", Items: []sim.Item{{Name: "APPLES", Amount: 67890}}, Discount: 90, Tenders: []sim.Tender{{Kind: "card", Amount: 67800}}},
		sim.Receipt{Number: "7004", Currency: "CNY", Items: []sim.Item{{Name: "REF " + rasterPAN, Amount: 12}}, Tenders: []sim.Tender{{Kind: "cash", Amount: 100}}},
	)
}

// driverLane is a demo lane in dir on an embedded broker whose printer
// reads images with a glyph dictionary learned from the driver's font f
// (no status page): its config, the alerts the broker carries, and the
// lane's wires to play on.
func driverLane(t *testing.T, dir string, f *rasterprint.Font) (*configs.Config, *lanetest.Alerts, *sim.Wires) {
	t.Helper()
	dict := filepath.Join(dir, "driver.glyphs")
	learnDriver(t, f, dict)
	b := lanetest.Broker(t, lanetest.Quiet())
	got := lanetest.Collect(t, b)
	wires := lanetest.Wires(t)
	cfg := demo.Config(dir, b.URL(), wires)
	cfg.HTTP.Address = ""
	cfg.Devices[0].Glyphs, cfg.Devices[0].OCR = dict, "none"
	return cfg, got, wires
}

// TestRasterLaneEndToEnd plays a lane whose register prints receipts as
// images (a Windows driver) through ptys into a running agent that reads
// them with a learned glyph dictionary. The live alerts, the replay of the
// agent's own capture, and the replay of the same lane printed as text
// agree: one amount_mismatch with the same delta and one
// payment_without_receipt; the matched sale raises nothing. A receipt
// printing a full card number as an image leaves it in no sink: not in
// the journal, outbox, MQTT payloads or debug log as text, and not in the
// capture as an image (its glyph cells are blanked).
func TestRasterLaneEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	f := driverFont(t)
	dict := filepath.Join(dir, "driver.glyphs")
	learnDriver(t, f, dict)

	receipt := func(no, kind string, paid int64, items ...sim.Item) []byte {
		r := sim.Receipt{Number: no, Currency: "CNY", Items: items, Tenders: []sim.Tender{{Kind: kind, Amount: paid}}}
		b, err := r.ESCPOS()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sale := func(at time.Duration, amount int64, trace string) []sim.Write {
		ws, err := sim.Compile([]sim.Action{{At: at, Sale: &sim.CardSale{Requested: amount, Currency: 156, Trace: trace, ReceiptNo: trace[2:], Terminal: "29001234"}}})
		if err != nil {
			t.Fatal(err)
		}
		return ws
	}
	panJob := receipt("0004", "cash", 100, sim.Item{Name: "REF " + rasterPAN, Amount: 12})
	text := slices.Concat(
		sale(0, 1230, "000101"),
		[]sim.Write{{At: 1500 * time.Millisecond, Wire: sim.PrinterHost, Data: receipt("0001", "card", 1230, sim.Item{Name: "COFFEE", Amount: 1230})}},
		sale(3*time.Second, 1000, "000102"),
		[]sim.Write{{At: 4500 * time.Millisecond, Wire: sim.PrinterHost, Data: receipt("0002", "card", 10000, sim.Item{Name: "WINE", Amount: 10000})}},
		sale(6*time.Second, 555, "000103"), // no receipt follows
		[]sim.Write{{At: 7 * time.Second, Wire: sim.PrinterHost, Data: panJob}},
	)
	raster := make([]sim.Write, len(text))
	for i, w := range text {
		raster[i] = w
		if w.Wire == sim.PrinterHost {
			raster[i].Data, _ = asDriverPrints(t, f, w.Data)
		}
	}

	// Live, through ptys.
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var debug testutil.Buffer
	b := lanetest.Broker(t, quiet)
	got := &lanetest.Alerts{}
	var payloads testutil.Buffer
	if err := b.Subscribe("#", func(topic string, p []byte) {
		payloads.Write(append([]byte(topic+" "), p...))
		if strings.Contains(topic, "/alert/") {
			got.Add(topic, p)
		}
	}); err != nil {
		t.Fatal(err)
	}
	wires := lanetest.Wires(t)
	cfg := demo.Config(dir, b.URL(), wires)
	cfg.HTTP.Address = ""
	cfg.Devices[0].Glyphs, cfg.Devices[0].OCR = dict, "none"
	// The video recorder's POS text feed is a sink of receipt lines too.
	nvr, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer nvr.Close()
	var video testutil.Buffer
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, _, err := nvr.ReadFrom(buf)
			if err != nil {
				return // closed
			}
			video.Write(buf[:n])
		}
	}()
	cfg.Video = []configs.Video{{Name: "nvr", Mode: "udp", Address: nvr.LocalAddr().String()}}
	ln := lanetest.Start(t, cfg, agent.Options{Log: slog.New(slog.NewTextHandler(&debug, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	ln.WaitReady(t, 30*time.Second)
	ctx := t.Context()
	if err := (&sim.Player{Out: wires.Writer}).Play(ctx, raster); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if t.Failed() {
			t.Logf("live alerts: %v", summarise(got.All()))
		}
	}()
	testutil.WaitFor(t, "amount_mismatch and payment_without_receipt", 45*time.Second, func() bool {
		k := got.Keys()
		return k["amount_mismatch"] != "" && k["payment_without_receipt"] != ""
	})
	if err := ln.Stop(); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("agent: %v", err)
	}
	live := summarise(got.All())

	// Replay of the agent's own capture (raster), and of the same lane
	// printed as text.
	hdr, recs := readCapture(t, cfg.Capture)
	_ = hdr
	fromCapture := replay(t, cfg, recs)
	textCfg := *cfg
	textCfg.Devices = slices.Clone(cfg.Devices)
	textCfg.Devices[0].Glyphs, textCfg.Devices[0].OCR = "", ""
	fromText := replay(t, &textCfg, sim.Records(text, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), nil))
	if !slices.Equal(live, fromCapture) || !slices.Equal(fromCapture, fromText) {
		t.Fatalf("alerts differ\n live:         %v\n replay raster: %v\n replay text:   %v", live, fromCapture, fromText)
	}
	if !slices.Contains(live, "amount_mismatch delta=-9000") || !slices.Contains(live, "payment_without_receipt amount=555") {
		t.Fatalf("alerts %v, want amount_mismatch delta=-9000 and payment_without_receipt amount=555", live)
	}

	// Card data: the PAN as text nowhere, and the capture's image of it
	// blanked (the dictionary no longer reads it).
	testutil.WaitFor(t, "the video feed to carry the receipt with the card number", 10*time.Second, func() bool {
		return bytes.Contains(video.Bytes(), []byte("REF "+rasterPAN[:6]))
	})
	pcitest.Find(t, pcitest.Needles{"PAN": []byte(rasterPAN)}, dir, map[string][]byte{"mqtt": payloads.Bytes(), "debug log": debug.Bytes(), "video feed": video.Bytes()})
	var printer bytes.Buffer
	for _, r := range recs {
		if r.Dev == "printer" && r.Dir == drivers.FromHost {
			printer.Write(r.Data)
		}
	}
	d, err := glyphs.Open(dict)
	if err != nil {
		t.Fatal(err)
	}
	// Read the capture's images raw (the decoder would mask what it reads):
	// the card number's middle digits are gone from the dots.
	readsPAN := func(stream []byte) bool {
		g := &grabImages{}
		dec := escpos.New(escpos.Options{Recognizer: g})
		dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: stream})
		dec.FlushAll()
		for _, img := range g.imgs {
			for _, l := range d.Recognize(img).Lines {
				if strings.Contains(strings.ReplaceAll(l.Text, " ", ""), rasterPAN) {
					return true
				}
			}
		}
		return false
	}
	if !readsPAN(raster[len(raster)-1].Data) {
		t.Fatal("the dictionary cannot read the card number the driver printed: the test proves nothing")
	}
	if readsPAN(printer.Bytes()) {
		t.Error("the capture still shows the full card number as an image")
	}
}

// summarise turns alerts into comparable lines (kind and the figures that
// matter), raised only, sorted.
func summarise(as []detect.Alert) []string {
	var out []string
	for _, a := range as {
		if a.State != detect.Raised {
			continue
		}
		s := a.Kind
		switch a.Kind {
		case "amount_mismatch":
			if a.Delta != nil {
				s += " delta=" + itoa(*a.Delta)
			}
		case "payment_without_receipt":
			if a.Payment != nil {
				s += " amount=" + itoa(a.Payment.Amount)
			}
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func itoa(v int64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := ""
	for {
		s = string(rune('0'+v%10)) + s
		v /= 10
		if v == 0 {
			break
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}

func readCapture(t *testing.T, path string) (*capture.Header, []capture.Record) {
	t.Helper()
	h, recs, err := scenarios.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return h, recs
}

func replay(t *testing.T, cfg *configs.Config, recs []capture.Record) []string {
	t.Helper()
	l, err := lane.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var as []detect.Alert
	if _, err := lane.Replay(l, recs, func(a detect.Alert) error { as = append(as, a); return nil }); err != nil {
		t.Fatal(err)
	}
	return summarise(as)
}

// grabImages keeps the images a decoder assembles.
type grabImages struct{ imgs []*raster.Bitmap }

func (g *grabImages) Recognize(b *raster.Bitmap) raster.Result {
	g.imgs = append(g.imgs, b.Clone())
	return raster.Result{}
}
