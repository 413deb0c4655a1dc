package tools_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/tools"
	"github.com/tillwatch/tillwatch/demo"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/pcitest"
	"github.com/tillwatch/tillwatch/internal/scenarios"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// toolShift is one card sale (with a full, Luhn-valid card number on the
// wire) and its receipt.
func toolShift(t *testing.T) []sim.Write {
	t.Helper()
	ws, err := sim.Compile([]sim.Action{
		{At: 0, Sale: &sim.CardSale{Requested: 4510, Currency: 978, Trace: "000301", ReceiptNo: "0301", AuthCode: "777777", PAN: "4111111111111111", Terminal: "52523535"}},
		{At: 1500 * time.Millisecond, Print: &sim.Receipt{Number: "0301", Items: []sim.Item{{Name: "COFFEE", Amount: 4510}}, Tenders: []sim.Tender{{Kind: "card", Amount: 4510}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func TestMonitorDecodesLiveTraffic(t *testing.T) {
	wires, err := sim.OpenWires()
	if err != nil {
		t.Fatal(err)
	}
	defer wires.Close()
	cfg := demo.Config(t.TempDir(), "tcp://127.0.0.1:1", wires)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var mu sync.Mutex
	var items []tools.MonitorItem
	up := map[string]bool{}
	done := make(chan error, 1)
	go func() {
		done <- tools.Monitor(ctx, cfg, tools.MonitorOptions{Raw: true, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, func(it tools.MonitorItem) {
			mu.Lock()
			defer mu.Unlock()
			items = append(items, it)
			if l, ok := it.Event.(*drivers.Link); ok && l.Up {
				up[it.Device] = true
			}
		})
	}()
	count := func(f func(tools.MonitorItem) bool) int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, it := range items {
			if f(it) {
				n++
			}
		}
		return n
	}
	testutil.WaitFor(t, "both links up", 10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return up["printer"] && up["terminal"] })
	if err := (&sim.Player{Out: wires.Writer}).Play(ctx, toolShift(t)); err != nil {
		t.Fatal(err)
	}
	isPayment := func(it tools.MonitorItem) bool { _, ok := it.Event.(*drivers.Payment); return ok }
	isReceipt := func(it tools.MonitorItem) bool { _, ok := it.Event.(*drivers.Receipt); return ok }
	testutil.WaitFor(t, "a payment and a receipt", 15*time.Second, func() bool { return count(isPayment) == 1 && count(isReceipt) == 1 })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("monitor: %v", err)
	}
	for _, it := range items {
		if p, ok := it.Event.(*drivers.Payment); ok && (p.Card != "411111******1111" || p.Amount != 4510) {
			t.Errorf("payment: card %q amount %d", p.Card, p.Amount)
		}
		if it.Chunk != nil && bytes.Contains(it.Chunk.Data, []byte{0x41, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11}) {
			t.Errorf("raw chunk of %s carries the full card number in BCD", it.Device)
		}
	}
	if count(func(it tools.MonitorItem) bool { return it.Chunk != nil }) == 0 {
		t.Error("Raw: no raw chunks reported")
	}
}

func TestCaptureRecordsRedactedReplayableFile(t *testing.T) {
	wires, err := sim.OpenWires()
	if err != nil {
		t.Fatal(err)
	}
	defer wires.Close()
	dir := t.TempDir()
	cfg := demo.Config(dir, "tcp://127.0.0.1:1", wires)
	path := filepath.Join(dir, "tech.jsonl")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var mu sync.Mutex
	var last tools.CaptureStats
	done := make(chan error, 1)
	go func() {
		_, err := tools.Capture(ctx, cfg, tools.CaptureOptions{Path: path, Every: 50 * time.Millisecond,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Progress: func(st tools.CaptureStats) {
				mu.Lock()
				defer mu.Unlock()
				last = st
				last.Bytes = map[string]int{"printer": st.Bytes["printer"], "terminal": st.Bytes["terminal"]}
				last.Links = map[string]bool{"printer": st.Links["printer"], "terminal": st.Links["terminal"]}
			}})
		done <- err
	}()
	stats := func() tools.CaptureStats { mu.Lock(); defer mu.Unlock(); return last }
	testutil.WaitFor(t, "both links up", 10*time.Second, func() bool { s := stats(); return s.Links["printer"] && s.Links["terminal"] })
	ws := toolShift(t)
	if err := (&sim.Player{Out: wires.Writer}).Play(ctx, ws); err != nil {
		t.Fatal(err)
	}
	want := map[sim.Wire]int{}
	for _, w := range ws {
		want[w.Wire] += len(w.Data)
	}
	testutil.WaitFor(t, "every byte recorded", 10*time.Second, func() bool {
		s := stats()
		return s.Bytes["printer"] >= want[sim.PrinterHost] && s.Bytes["terminal"] >= want[sim.TerminalHost]+want[sim.TerminalDevice]
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("capture: %v", err)
	}
	// Records are base64: search the decoded bytes, per record and per
	// stream, for the number as text and as ZVT BCD.
	pcitest.FindInCapture(t, pcitest.Needles{
		"the full card number":        []byte("4111111111111111"),
		"the full card number in BCD": {0x41, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11},
	}, path)
	h, recs, err := scenarios.ReadFile(path)
	if err != nil || h == nil || h.Devices["terminal"].Protocol != "zvt" {
		t.Fatalf("header %+v, %v", h, err)
	}
	rcfg, err := lane.ConfigFromHeader(h)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := lane.New(rcfg)
	if err != nil {
		t.Fatal(err)
	}
	var pays, rcpts int
	for _, r := range recs {
		if r.Link != "" {
			continue
		}
		evs, err := ln.Feed(r.Dev, drivers.Chunk{Time: r.Time, Dir: r.Dir, Data: r.Data})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range append(evs, ln.Idle(r.Time)...) {
			switch ev := ev.(type) {
			case *drivers.Payment:
				pays++
				if ev.Card != "411111******1111" {
					t.Errorf("replayed card %q", ev.Card)
				}
			case *drivers.Receipt:
				rcpts++
			}
		}
	}
	for _, ev := range ln.EndOfInput(time.Now()) {
		if _, ok := ev.(*drivers.Receipt); ok {
			rcpts++
		}
	}
	if pays != 1 || rcpts != 1 {
		t.Errorf("replay of the capture: %d payments, %d receipts; want 1 and 1", pays, rcpts)
	}
}
