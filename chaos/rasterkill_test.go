//go:build !windows

package chaos

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/pcitest"
	"github.com/tillwatch/tillwatch/internal/rastertest"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// rasterPAN is a Luhn-valid test card number a register prints in full,
// as an image.
const rasterPAN = "4111111111111111"

// TestKillWhileReading kills the agent (SIGKILL) on a raster lane twice:
// first while its recogniser holds a receipt's image (Tesseract taking
// seconds; here it never returns), then 500 ms after the cut of a
// receipt whose image was read (the receipt waits 2 s for a drawer kick
// in the decoder). A receipt's bytes are in the raw input log from the
// commit after they arrive, their image dots blanked until read and
// rewritten once read. So after each restart: the receipt being read is
// in the journal as a printed receipt whose amounts were not read (its
// sale raises no payment_without_receipt; what it said is lost), the
// receipt read before the kill is in the journal with its number and its
// under-charge is reported, and the card number the first receipt printed
// as an image is nowhere in the data directory as text.
func TestKillWhileReading(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos: about 20 s")
	}
	b := lanetest.Broker(t, lanetest.Quiet())
	sub := lanetest.Collect(t, b)
	l := newLane(t, b.URL(), "")
	f := rastertest.GoFont(t)
	dict := filepath.Join(t.TempDir(), "driver.glyphs")
	learnGoFont(t, f, dict)
	l.cfg.Devices[0].Glyphs, l.cfg.Devices[0].OCR = dict, "none"
	l.cfg.Capture = filepath.Join(filepath.Dir(l.cfg.DataDir), "lane.jsonl") // a sink to search too
	l.save(t)
	g := newLedger()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	checkout := func(trace, no string, paid, total int64, items ...sim.Item) {
		t.Helper()
		play(t, ctx, l, sim.Action{Sale: &sim.CardSale{Requested: paid, Currency: 156, Trace: trace, ReceiptNo: no, Terminal: "52523535"}})
		testutil.WaitFor(t, "the agent to read the sale", 30*time.Second, func() bool {
			h, err1 := l.wires.Unread(sim.TerminalHost)
			d, err2 := l.wires.Unread(sim.TerminalDevice)
			return err1 == nil && err2 == nil && h+d == 0
		})
		job, err := (&sim.Receipt{Number: no, Currency: "CNY", Items: items, Tenders: []sim.Tender{{Kind: "card", Amount: total}}}).ESCPOS()
		if err != nil {
			t.Fatal(err)
		}
		if err := (&sim.Player{Out: l.wires.Writer}).Play(ctx, []sim.Write{{Wire: sim.PrinterHost, Data: driverPrints(t, f, job)}}); err != nil {
			t.Fatal(err)
		}
		testutil.WaitFor(t, "the agent to read the receipt", 30*time.Second, func() bool {
			n, err := l.wires.Unread(sim.PrinterHost)
			return err == nil && n == 0
		})
	}

	// 1. Killed while the image is being read.
	reading := filepath.Join(t.TempDir(), "reading")
	c := start(t, l, g, stuckEnv+"="+reading)
	checkout("000801", "0001", 1230, 1230, sim.Item{Name: "COFFEE", Amount: 1218}, sim.Item{Name: "REF " + rasterPAN, Amount: 12})
	testutil.WaitFor(t, "the recogniser to take the image", 30*time.Second, func() bool {
		_, err := os.Stat(reading)
		return err == nil
	})
	// The raw input is written at the end of its burst (20 ms without
	// input) plus the fsync: kill after that.
	if err := sleep(ctx, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	c.kill(t)

	// 2. Killed after the image was read, while the receipt waits for a
	// drawer kick.
	c = start(t, l, g)
	checkout("000802", "0002", 1000, 10000, sim.Item{Name: "WINE", Amount: 10000})
	if err := sleep(ctx, 500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	c.kill(t)

	c = start(t, l, g)
	// Sale 1's payment_without_receipt would be decided receipt_wait plus
	// clock_skew after it.
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end) && sub.Keys()[detect.KindAmountMismatch] == ""; {
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	if err := sleep(ctx, l.cfg.Detect.ReceiptWait+l.cfg.Detect.ClockSkew+2*time.Second); err != nil {
		t.Fatal(err)
	}
	c.stop(t)

	mismatch := 0
	for _, a := range sub.All() {
		if a.State != detect.Raised {
			continue
		}
		if a.Kind == detect.KindAmountMismatch && a.Delta != nil && *a.Delta == -9000 && a.Receipt != nil && a.Receipt.Number == "0002" {
			mismatch++
			continue
		}
		t.Errorf("unexpected alert %s: %s", a.Kind, a.Summary)
	}
	if mismatch != 1 {
		t.Errorf("the under-charge on receipt 0002 was reported %d times, want once", mismatch)
	}
	db, err := buffer.Open(l.cfg.DataDir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var numbered, unread int
	err = journal.New(db).Range(time.Time{}, time.Time{}, func(_ string, ev drivers.Event) error {
		r, ok := ev.(*drivers.Receipt)
		switch {
		case !ok:
		case r.Number == "0002":
			numbered++
		case r.Cut && r.Recognised != nil && r.Recognised.AmountsUnsure:
			unread++
		default:
			t.Errorf("unexpected receipt in the journal: %+v", r)
		}
		if ok {
			t.Logf("journal: receipt %q at %s cut=%v graphics_only=%v recognised=%+v total=%v lines=%d", r.Number, r.Time.Format("15:04:05.000"), r.Cut, r.GraphicsOnly, r.Recognised, r.Total, len(r.Lines))
			for _, ln := range r.Lines {
				t.Logf("  %q", ln.Text)
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if numbered != 1 || unread != 1 {
		t.Errorf("journal: receipt 0002 %d times, the receipt being read at the kill %d times; want each once", numbered, unread)
	}
	pcitest.Find(t, pcitest.Needles{"PAN": []byte(rasterPAN)}, filepath.Dir(l.cfg.DataDir), nil)
}

// driverPrints turns a register's text print job into what a Windows
// driver sends for it: the same lines drawn in one image, then a cut.
func driverPrints(t *testing.T, f *rasterprint.Font, job []byte) []byte {
	t.Helper()
	page, _ := rastertest.DriverPage(t, f, job)
	return rasterprint.Encode(page, 576, rasterprint.GSv0)
}

// learnGoFont learns the driver's font from a calibration print and a few
// receipts not played in the test.
func learnGoFont(t *testing.T, f *rasterprint.Font, path string) {
	t.Helper()
	rastertest.LearnDriver(t, f, path,
		sim.Receipt{Number: "7001", Currency: "CNY", Items: []sim.Item{{Name: "COFFEE", Amount: 1234}, {Name: "MILK", Amount: 5678}}, Tenders: []sim.Tender{{Kind: "card", Amount: 6912}}},
		sim.Receipt{Number: "7002", Currency: "CNY", Items: []sim.Item{{Name: "BREAD", Amount: 9012}, {Name: "TEA", Amount: 345}}, Tenders: []sim.Tender{{Kind: "cash", Amount: 10000}}},
		sim.Receipt{Number: "7003", Currency: "CNY", Items: []sim.Item{{Name: "WINE", Amount: 67890}}, Tenders: []sim.Tender{{Kind: "card", Amount: 67890}}},
	)
}
