package agent_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
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
	cfg, got, wires := driverLane(t, dir, f)
	slow := &slowRecognizer{entered: make(chan struct{}), release: make(chan struct{})}
	released := false
	defer func() {
		if !released {
			close(slow.release)
		}
	}()
	ln := lanetest.Start(t, cfg, agent.Options{
		Log: slog.New(slog.NewTextHandler(&debug, &slog.HandlerOptions{Level: slog.LevelDebug})),
		// The receipt is read after the hold's default, 30 s, on a loaded
		// machine: it is not given up on here (TestRasterLaneStuckRecogniser).
		RecognitionHold: 5 * time.Minute,
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

// TestRasterLaneStuckRecogniser: with the recogniser stuck in its call
// on a receipt's image, the printer's input is kept only so long
// (Options.RecognitionHold) and only so much (Options.RecognitionBudget):
// past either the receipts go on as printed with amounts not read,
// recognised.engine and the log saying why; the bytes kept never pass
// the budget, and the agent stops though the recogniser never returns.
// Past the hold, sale A's receipt still counts as printed: A raises no
// payment_without_receipt while sale C, with no receipt, does.
func TestRasterLaneStuckRecogniser(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	f := driverFont(t)
	job, _ := asDriverPrints(t, f, receiptJob(t, "0001", "card", 1230, sim.Item{Name: "COFFEE", Amount: 1230}))
	saleA := saleWrites(t, 0, 1230, "000101")
	for _, tc := range []struct {
		name     string
		hold     time.Duration
		budget   int
		writes   []sim.Write
		receipts int
		alerts   []string // nil: not waited for
		why      string
	}{
		{name: "hold", hold: time.Second,
			// Sale C 9 s after A, with no receipt.
			writes:   slices.Concat(saleA, printJob(1500*time.Millisecond, job), saleWrites(t, 9*time.Second, 555, "000103")),
			receipts: 1, alerts: []string{"payment_without_receipt amount=555"}, why: "the receipt waited past the hold"},
		{name: "budget", hold: time.Hour, budget: len(job),
			// The first receipt's image holds the recogniser; the two
			// after it wait, more than the budget.
			writes:   slices.Concat(saleA, printJob(1500*time.Millisecond, job), printJob(2500*time.Millisecond, job), printJob(3500*time.Millisecond, job)),
			receipts: 3, why: "the images waiting passed the memory budget"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg, got, wires := driverLane(t, dir, f)
			slow := &slowRecognizer{entered: make(chan struct{}), release: make(chan struct{})}
			defer close(slow.release) // after the agent stopped: the call is left stuck till then
			var log testutil.Buffer
			ln := lanetest.Start(t, cfg, agent.Options{
				Log:             slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
				RecognitionHold: tc.hold, RecognitionBudget: tc.budget,
				Recognizer: func(_ string, r escpos.Recognizer) escpos.Recognizer {
					slow.real = r
					return slow
				},
			})
			ln.WaitReady(t, 30*time.Second)
			if err := (&sim.Player{Out: wires.Writer}).Play(t.Context(), tc.writes); err != nil {
				t.Fatal(err)
			}
			testutil.WaitFor(t, "the receipts journaled", 45*time.Second, func() bool {
				return strings.Count(log.String(), "type=receipt device=printer") >= tc.receipts
			})
			if tc.alerts != nil {
				testutil.WaitFor(t, "payment_without_receipt for sale C", 45*time.Second, func() bool {
					return got.Keys()["payment_without_receipt"] != ""
				})
			}
			select {
			case <-slow.entered:
			default:
				t.Fatal("the recogniser never got the receipt's image")
			}
			st := ln.Agent.Stats()
			if err := ln.Stop(); err != nil && !errors.Is(err, context.Canceled) {
				t.Fatalf("agent (stopped with the recogniser stuck): %v", err)
			}
			if live := summarise(got.All()); tc.alerts != nil && !slices.Equal(live, tc.alerts) {
				t.Errorf("alerts %v, want %v (sale A's receipt printed)", live, tc.alerts)
			}
			if !strings.Contains(log.String(), "image recognition stuck") || !strings.Contains(log.String(), tc.why) {
				t.Errorf("the log does not say recognition was given up on, and why (%q):\n%s", tc.why, log.String())
			}
			// Once given up on, nothing more is kept: only the jobs the
			// stuck worker was given still hold their bytes.
			if budget := cmp.Or(tc.budget, 4<<20); st.RecogKeptMax > budget || st.RecogKept > st.RecogKeptMax || st.RecogKeptMax == 0 {
				t.Errorf("bytes kept for recognition: %d now, %d at most; want at most the budget %d", st.RecogKept, st.RecogKeptMax, budget)
			}
			rs := journalReceipts(t, cfg.DataDir)
			for _, r := range rs {
				if !r.Cut || r.Recognised == nil || !r.Recognised.AmountsUnsure || !strings.Contains(r.Recognised.Engine, tc.why) {
					t.Fatalf("journaled receipts %v; want %d, cut, amounts not read, recognised.engine saying %q", describe(rs), tc.receipts, tc.why)
				}
			}
			if len(rs) != tc.receipts {
				t.Fatalf("journaled receipts %v; want %d", describe(rs), tc.receipts)
			}
		})
	}
}

// TestRasterLaneRecognitionResumes: once the stuck recogniser returns and
// the worker has caught up, the printer's images are read again: a
// receipt given up on is journaled with amounts not read, the next one
// is read (its under-charge found).
func TestRasterLaneRecognitionResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	f := driverFont(t)
	cfg, got, wires := driverLane(t, dir, f)
	slow := &slowRecognizer{entered: make(chan struct{}), release: make(chan struct{})}
	released := false
	defer func() {
		if !released {
			close(slow.release)
		}
	}()
	var log testutil.Buffer
	ln := lanetest.Start(t, cfg, agent.Options{
		Log:             slog.New(slog.NewTextHandler(&log, nil)),
		RecognitionHold: time.Second,
		Recognizer: func(_ string, r escpos.Recognizer) escpos.Recognizer {
			slow.real = r
			return slow
		},
	})
	ln.WaitReady(t, 30*time.Second)
	player := &sim.Player{Out: wires.Writer}
	first, _ := asDriverPrints(t, f, receiptJob(t, "0001", "card", 1230, sim.Item{Name: "COFFEE", Amount: 1230}))
	if err := player.Play(t.Context(), slices.Concat(saleWrites(t, 0, 1230, "000101"), printJob(500*time.Millisecond, first))); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, "recognition given up on", 30*time.Second, func() bool {
		return strings.Contains(log.String(), "image recognition stuck")
	})
	close(slow.release)
	released = true
	testutil.WaitFor(t, "recognition back", 30*time.Second, func() bool {
		return strings.Contains(log.String(), "image recognition caught up")
	})
	second, _ := asDriverPrints(t, f, receiptJob(t, "0002", "card", 1500, sim.Item{Name: "WINE", Amount: 1500}))
	if err := player.Play(t.Context(), slices.Concat(saleWrites(t, 0, 2000, "000102"), printJob(500*time.Millisecond, second))); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, "amount_mismatch on receipt 0002", 45*time.Second, func() bool {
		return got.Keys()["amount_mismatch"] != ""
	})
	if err := ln.Stop(); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("agent: %v", err)
	}
	if live := summarise(got.All()); !slices.Equal(live, []string{"amount_mismatch delta=500"}) {
		t.Errorf("alerts %v, want amount_mismatch delta=500 only", live)
	}
	rs := journalReceipts(t, cfg.DataDir)
	if len(rs) != 2 || rs[0].Recognised == nil || !rs[0].Recognised.AmountsUnsure ||
		rs[1].Number != "0002" || rs[1].Recognised == nil || rs[1].Recognised.AmountsUnsure {
		t.Fatalf("journaled receipts %v; want 0001 with amounts not read, then 0002 read", describe(rs))
	}
}

// journalReceipts returns the receipts in the journal of a stopped agent.
func journalReceipts(t *testing.T, dataDir string) []*drivers.Receipt {
	t.Helper()
	db, err := buffer.Open(dataDir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rs []*drivers.Receipt
	err = journal.New(db).Range(time.Time{}, time.Time{}, func(_ string, ev drivers.Event) error {
		if r, ok := ev.(*drivers.Receipt); ok {
			rs = append(rs, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// describe shows receipts in a failure message.
func describe(rs []*drivers.Receipt) []string {
	var out []string
	for _, r := range rs {
		s := fmt.Sprintf("cut=%v lines=%d", r.Cut, len(r.Lines))
		if r.Total != nil {
			s += fmt.Sprintf(" total=%d", *r.Total)
		}
		if r.Recognised != nil {
			s += fmt.Sprintf(" recognised=%+v", *r.Recognised)
		}
		out = append(out, s)
	}
	return out
}

// TestRasterLaneNoCut: the image of a receipt whose job ends without a
// cut is closed by the printer's idle flush; in a live run the worker
// reads it (its decoder flushed first, with the lane's job timeout), and
// the core goroutine reads no image: the receipt's lines are read, and
// Stats.ReadInline stays 0.
func TestRasterLaneNoCut(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	f := driverFont(t)
	cfg, got, wires := driverLane(t, dir, f)
	ln := lanetest.Start(t, cfg, agent.Options{Log: lanetest.Quiet()})
	ln.WaitReady(t, 30*time.Second)
	job, _ := asDriverPrints(t, f, receiptJob(t, "0001", "card", 1230, sim.Item{Name: "COFFEE", Amount: 1230}))
	cut := []byte{0x1d, 'V', 0}
	if !bytes.HasSuffix(job, cut) {
		t.Fatalf("the driver's job does not end with a cut: % x", job[len(job)-8:])
	}
	job = job[:len(job)-len(cut)]
	if err := (&sim.Player{Out: wires.Writer}).Play(t.Context(), printJob(0, job)); err != nil {
		t.Fatal(err)
	}
	al := got.Wait(t, "print_failed", detect.Raised, 45*time.Second) // no cut within cut_timeout
	st := ln.Agent.Stats()
	if err := ln.Stop(); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("agent: %v", err)
	}
	if al.Receipt == nil || al.Receipt.Total == nil || *al.Receipt.Total != 1230 {
		t.Errorf("print_failed about receipt %+v, want its total 12.30 read from the image", al.Receipt)
	}
	if st.ReadInline != 0 {
		t.Errorf("%d images the core goroutine found no result for, want 0 (the worker reads them)", st.ReadInline)
	}
	rs := journalReceipts(t, cfg.DataDir)
	if len(rs) != 1 || rs[0].Cut || rs[0].Recognised == nil || rs[0].Recognised.AmountsUnsure || rs[0].Total == nil || *rs[0].Total != 1230 {
		t.Fatalf("journaled receipts %v; want one, not cut, read from the image, total 1230", describe(rs))
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
