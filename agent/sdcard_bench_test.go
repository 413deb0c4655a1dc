//go:build linux

package agent_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/rawlog"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/demo"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/zvt"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// weekCheckouts is a week of a busy lane: 1,000 card checkouts a day.
const weekCheckouts = 7 * 1000

// BenchmarkWeekOnDisk writes a week of a busy lane through the agent's
// write path (the demo lane's decoders, rawlog, journal, outbox; Badger
// synced, compaction on demand, value-log GC every second of the run) and
// reports what reached the disk (/proc/self/io write_bytes): per checkout,
// the write amplification (bytes written / bytes of keys and values the
// agent stored) and the database's size at the end. Each checkout is
// written the way the live agent commits it (agent/rawinput.go): the
// sale's request written lazily, its result with the payment and the
// deletes of the settled terminal's input synced; the receipt's raw input
// lazily in one write at its cut; lazy writes synced 1 s after the first
// at the latest; the receipt 2 s after the cut with the deletes of the
// settled printer's input, synced; and an alert (stored, then delivered)
// every 20th checkout. Linux only (/proc).
func BenchmarkWeekOnDisk(b *testing.B) {
	if _, err := os.Stat("/proc/self/io"); err != nil {
		b.Skip("needs /proc/self/io")
	}
	sale, receipt := checkoutBytes(b)
	for range b.N {
		dir := b.TempDir()
		db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		gcDone := make(chan struct{})
		go func() { defer close(gcDone); db.RunGC(ctx, time.Second) }()
		w0 := testutil.WriteBytes(b, "self")
		logical := runWeek(b, db, sale, receipt)
		cancel()
		counts := map[string]int{}
		err = journal.New(db).Range(time.Time{}, time.Time{}, func(_ string, ev drivers.Event) error {
			counts[ev.EventType()]++
			return nil
		})
		if err != nil || counts["receipt"] != weekCheckouts || counts["payment"] != weekCheckouts {
			b.Fatalf("journal after the week: %v, %v; want %d receipts and payments", counts, err, weekCheckouts)
		}
		<-gcDone
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		written := float64(testutil.WriteBytes(b, "self") - w0)
		b.ReportMetric(written/weekCheckouts/1024, "disk_KB/checkout")
		b.ReportMetric(20, "disk_target_KB/checkout")
		b.ReportMetric(written/float64(logical), "write_amp")
		b.ReportMetric(float64(dirSize(b, dir))/(1<<20), "db_MiB_after_week")
	}
}

// runWeek writes the checkouts and returns the bytes of keys and values
// stored.
func runWeek(b *testing.B, db *buffer.DB, sale, receipt []sim.Write) int64 {
	wires, err := sim.OpenWires() // only for the demo config's port names
	if err != nil {
		b.Skipf("no ptys: %v", err)
	}
	defer wires.Close()
	cfg := demo.Config(b.TempDir(), "tcp://127.0.0.1:1", wires)
	ln, err := lane.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	j := journal.New(db)
	out := db.Queue("outbox")
	raw := rawlog.New(db, []rawlog.Device{{Name: "printer", Text: true}, {Name: "terminal", Redactor: zvt.NewRedactor()}})
	var logical int64
	var unsynced time.Time // the first lazy write not synced yet
	// commit writes at now: lazily without events, synced with them;
	// lazy writes are synced 1 s after the first at the latest.
	commit := func(evs []drivers.Event, now time.Time) {
		if !unsynced.IsZero() && !now.Before(unsynced.Add(time.Second)) {
			if err := db.Sync(); err != nil {
				b.Fatal(err)
			}
			unsynced = time.Time{}
		}
		bt := db.NewBatch()
		raw.Stage(bt)
		if err := j.AppendTo(bt, evs...); err != nil {
			b.Fatal(err)
		}
		var err error
		switch {
		case bt.Len() == 0:
		case len(evs) == 0 && !raw.Deleting():
			err = bt.CommitLazy()
			if unsynced.IsZero() {
				unsynced = now
			}
		default:
			err = bt.Commit()
			unsynced = time.Time{}
		}
		raw.Done(err)
		if err != nil {
			b.Fatal(err)
		}
		for _, ev := range evs {
			v, _ := drivers.Marshal(ev)
			logical += int64(len(v)) + 16
		}
	}
	feed := func(ws []sim.Write, at time.Time) []drivers.Event {
		var evs []drivers.Event
		for _, w := range ws {
			dev, dir := wireDevice(w.Wire)
			c := drivers.Chunk{Time: at.Add(w.At), Dir: dir, Data: w.Data}
			raw.Add(dev, c)
			logical += int64(len(w.Data)) + 20
			got, err := ln.Feed(dev, c)
			if err != nil {
				b.Fatal(err)
			}
			evs = append(evs, got...)
		}
		return evs
	}
	settle := func() {
		for _, n := range ln.Names() {
			if ln.Settled(n) {
				raw.Settle(n)
			}
		}
	}
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for i := range weekCheckouts {
		at := start.Add(time.Duration(i/1000)*24*time.Hour + time.Duration(i%1000)*40*time.Second)
		// The register's request, then the terminal's result and the
		// register's acknowledgement (the payment held until the burst
		// ends, the terminal settled by then).
		req := 1
		for req < len(sale) && sale[req].Wire == sim.TerminalHost {
			req++
		}
		if evs := feed(sale[:req], at); len(evs) > 0 {
			b.Fatalf("the sale's request decided %d events", len(evs))
		}
		commit(nil, at.Add(sale[req-1].At))
		evs := feed(sale[req:], at)
		settle()
		commit(evs, at.Add(sale[len(sale)-1].At))
		// The receipt, read in one burst (it no longer splits at 9600
		// baud, see rawQuiet), its raw input written at the cut.
		cut := at.Add(max(2*time.Second, sale[len(sale)-1].At+time.Second))
		commit(feed(receipt, cut), cut)
		evs = ln.Idle(cut.Add(4 * time.Second)) // the drawer-kick window is over: the receipt
		settle()
		commit(evs, cut.Add(2*time.Second))
		if i%20 == 0 {
			id := fmt.Sprintf("alert-%06d", i)
			v := make([]byte, 900)
			if _, err := out.Put(id, buffer.ClassCritical, v); err != nil {
				b.Fatal(err)
			}
			if err := out.Done(id); err != nil {
				b.Fatal(err)
			}
			logical += int64(len(id) + len(v))
		}
	}
	return logical
}

// checkoutBytes is one card sale and its receipt as the simulator writes
// them.
func checkoutBytes(b *testing.B) (sale, receipt []sim.Write) {
	var err error
	sale, err = sim.Compile([]sim.Action{{Sale: &sim.CardSale{Requested: 4500, Currency: 156, Trace: "000901", ReceiptNo: "9001",
		AuthCode: "A000901", PAN: "622588EEEEEE0001", Terminal: "52523535"}}})
	if err != nil {
		b.Fatal(err)
	}
	receipt, err = sim.Compile([]sim.Action{{Print: &sim.Receipt{Number: "9001",
		Items:   []sim.Item{{Name: "GROCERIES", Amount: 3000}, {Name: "BREAD", Amount: 450}, {Name: "MILK", Amount: 1050}},
		Tenders: []sim.Tender{{Kind: "card", Amount: 4500}}}}})
	if err != nil {
		b.Fatal(err)
	}
	return sale, receipt
}

// wireDevice maps a simulator wire to the demo lane's device and direction.
func wireDevice(w sim.Wire) (string, drivers.Direction) {
	switch w {
	case sim.PrinterHost:
		return "printer", drivers.FromHost
	case sim.PrinterDevice:
		return "printer", drivers.FromDevice
	case sim.TerminalHost:
		return "terminal", drivers.FromHost
	default:
		return "terminal", drivers.FromDevice
	}
}

// dirSize is the disk space the files under dir take (allocated blocks:
// Badger's files are sparse).
func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				n += st.Blocks * 512
			}
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
