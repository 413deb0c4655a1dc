package agent_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/demo"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// slowRecognizer is a fake slow recogniser (Tesseract takes seconds): the
// first image it is given blocks until the test closes release, then it
// reads with the real recogniser. entered says it holds that image.
type slowRecognizer struct {
	real    escpos.Recognizer
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (s *slowRecognizer) Recognize(img *raster.Bitmap) raster.Result {
	s.once.Do(func() {
		close(s.entered)
		<-s.release
	})
	return s.real.Recognize(img)
}

// TestRasterLaneSlowRecognition plays a raster lane through ptys into an
// agent whose recogniser blocks on the first receipt's image. While it
// is blocked, the terminal's payments are read and journaled (the core
// goroutine does not wait for recognition), and no alert is decided,
// though the first payment's receipt_wait passes: the detector holds for
// the receipt being read instead of raising payment_without_receipt. Once
// the image is read, the lane raises what its text twin raises, and no
// image was read on the core goroutine.
func TestRasterLaneSlowRecognition(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	f := driverFont(t)
	dict := filepath.Join(dir, "driver.glyphs")
	learnDriver(t, f, dict)

	receipt := func(no, kind string, paid int64, items ...sim.Item) []byte {
		return receiptJob(t, no, kind, paid, items...)
	}
	sale := func(at time.Duration, amount int64, trace string) []sim.Write {
		return saleWrites(t, at, amount, trace)
	}
	// The text twin's timeline; live, the parts are played one after the
	// other with waits between (the first receipt's image is being read).
	first := slices.Concat(sale(0, 1230, "000101"),
		printJob(1500*time.Millisecond, receipt("0001", "card", 1230, sim.Item{Name: "COFFEE", Amount: 1230})),
		sale(3*time.Second, 1000, "000102"))
	second := printJob(0, receipt("0002", "card", 10000, sim.Item{Name: "WINE", Amount: 10000}))
	// Sale C comes 9 s after A: past A's receipt_wait (6 s) and clock skew.
	third := sale(0, 555, "000103") // no receipt follows
	text := slices.Concat(first, shift(second, 4500*time.Millisecond), shift(third, 10*time.Second))
	asRaster := func(ws []sim.Write) []sim.Write {
		out := slices.Clone(ws)
		for i, w := range out {
			if w.Wire == sim.PrinterHost {
				out[i].Data, _ = asDriverPrints(t, f, w.Data)
			}
		}
		return out
	}

	var debug testutil.Buffer
	b := lanetest.Broker(t, slog.New(slog.NewTextHandler(io.Discard, nil)))
	got := lanetest.Collect(t, b)
	wires := lanetest.Wires(t)
	cfg := demo.Config(dir, b.URL(), wires)
	cfg.HTTP.Address = ""
	cfg.Devices[0].Glyphs, cfg.Devices[0].OCR = dict, "none"
	slow := &slowRecognizer{entered: make(chan struct{}), release: make(chan struct{})}
	released := false
	defer func() {
		if !released {
			close(slow.release)
		}
	}()
	ln := lanetest.Start(t, cfg, agent.Options{
		Log: slog.New(slog.NewTextHandler(&debug, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Recognizer: func(dev string, r escpos.Recognizer) escpos.Recognizer {
			slow.real = r
			return slow
		},
	})
	ln.WaitReady(t, 30*time.Second)
	ctx := t.Context()
	player := &sim.Player{Out: wires.Writer}
	// handled waits until n payments were journaled and the step that did
	// it is over (Stats counts a step's events after its alerts).
	handled := func(n int) {
		t.Helper()
		testutil.WaitFor(t, "payments handled", 30*time.Second, func() bool {
			log := debug.String()
			return strings.Count(log, "type=payment device=terminal") >= n &&
				ln.Agent.Stats().Events == strings.Count(log, "msg=event ")
		})
	}

	if err := player.Play(ctx, asRaster(first)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-slow.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the recogniser never got the first receipt's image")
	}
	handled(2) // sale B, read while the receipt before it is being read
	if err := player.Play(ctx, asRaster(second)); err != nil {
		t.Fatal(err)
	}
	// Sale C at least 9 s after A (Play waits for At).
	if err := player.Play(ctx, shift(third, 6*time.Second)); err != nil {
		t.Fatal(err)
	}
	handled(3)
	if st := ln.Agent.Stats(); st.Alerts != 0 {
		t.Fatalf("%d alerts decided while the first receipt was being read (want none: the detector waits for it): %v",
			st.Alerts, summarise(got.All()))
	}
	close(slow.release)
	released = true
	testutil.WaitFor(t, "amount_mismatch and payment_without_receipt", 45*time.Second, func() bool {
		k := got.Keys()
		return k["amount_mismatch"] != "" && k["payment_without_receipt"] != ""
	})
	st := ln.Agent.Stats()
	if err := ln.Stop(); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("agent: %v", err)
	}
	live := summarise(got.All())
	textCfg := *cfg
	textCfg.Devices = slices.Clone(cfg.Devices)
	textCfg.Devices[0].Glyphs, textCfg.Devices[0].OCR = "", ""
	fromText := replay(t, &textCfg, sim.Records(text, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), nil))
	if !slices.Equal(live, fromText) {
		t.Fatalf("alerts differ\n live (slow recogniser): %v\n text twin:              %v", live, fromText)
	}
	if !slices.Contains(live, "amount_mismatch delta=-9000") || !slices.Contains(live, "payment_without_receipt amount=555") {
		t.Fatalf("alerts %v, want amount_mismatch delta=-9000 and payment_without_receipt amount=555", live)
	}
	if st.ReadInline != 0 {
		t.Errorf("%d images read on the core goroutine, want 0", st.ReadInline)
	}
}

// receiptJob is a register's text print job for one receipt.
func receiptJob(t *testing.T, no, kind string, paid int64, items ...sim.Item) []byte {
	t.Helper()
	r := sim.Receipt{Number: no, Currency: "CNY", Items: items, Tenders: []sim.Tender{{Kind: kind, Amount: paid}}}
	b, err := r.ESCPOS()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// saleWrites is a card sale on the terminal's wires at at.
func saleWrites(t *testing.T, at time.Duration, amount int64, trace string) []sim.Write {
	t.Helper()
	ws, err := sim.Compile([]sim.Action{{At: at, Sale: &sim.CardSale{Requested: amount, Currency: 156, Trace: trace, ReceiptNo: trace[2:], Terminal: "29001234"}}})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// printJob is a print job on the printer's wire at at.
func printJob(at time.Duration, job []byte) []sim.Write {
	return []sim.Write{{At: at, Wire: sim.PrinterHost, Data: job}}
}

// TestRasterLaneHoldBounded: the detector waits for a receipt being read
// only so long (Options.RecognitionHold, here 1 s): with the recogniser
// stuck on the receipt's image, its sale is reported without a receipt
// once receipt_wait and the bound have passed.
func TestRasterLaneHoldBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	f := driverFont(t)
	dict := filepath.Join(dir, "driver.glyphs")
	learnDriver(t, f, dict)
	b := lanetest.Broker(t, slog.New(slog.NewTextHandler(io.Discard, nil)))
	got := lanetest.Collect(t, b)
	wires := lanetest.Wires(t)
	cfg := demo.Config(dir, b.URL(), wires)
	cfg.HTTP.Address = ""
	cfg.Devices[0].Glyphs, cfg.Devices[0].OCR = dict, "none"
	slow := &slowRecognizer{entered: make(chan struct{}), release: make(chan struct{})}
	defer close(slow.release) // before the agent stops (t.Cleanup): a stop waits for the image
	ln := lanetest.Start(t, cfg, agent.Options{
		Log:             slog.New(slog.NewTextHandler(io.Discard, nil)),
		RecognitionHold: time.Second,
		Recognizer: func(_ string, r escpos.Recognizer) escpos.Recognizer {
			slow.real = r
			return slow
		},
	})
	ln.WaitReady(t, 30*time.Second)
	job, _ := asDriverPrints(t, f, receiptJob(t, "0001", "card", 1230, sim.Item{Name: "COFFEE", Amount: 1230}))
	if err := (&sim.Player{Out: wires.Writer}).Play(t.Context(), slices.Concat(saleWrites(t, 0, 1230, "000101"), printJob(1500*time.Millisecond, job))); err != nil {
		t.Fatal(err)
	}
	select {
	case <-slow.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the recogniser never got the receipt's image")
	}
	testutil.WaitFor(t, "payment_without_receipt past the hold's bound", 45*time.Second, func() bool {
		return got.Keys()["payment_without_receipt"] != ""
	})
	// The image is still being read: the gate opens when the test ends.
	if live := summarise(got.All()); !slices.Contains(live, "payment_without_receipt amount=1230") {
		t.Fatalf("alerts %v, want payment_without_receipt amount=1230", live)
	}
}

// shift delays writes by d.
func shift(ws []sim.Write, d time.Duration) []sim.Write {
	out := slices.Clone(ws)
	for i := range out {
		out[i].At += d
	}
	return out
}
