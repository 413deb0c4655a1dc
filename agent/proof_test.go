package agent_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/demo"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/sim"
)

// TestPrintProofThroughTheAgent: on a two-line tap, the register asks the
// printer to confirm each job (GS ( H fn 48). The printer confirms the
// first job and stays silent for the second (paper jam): only the second
// raises print_failed, saying the printer never confirmed it.
func TestPrintProofThroughTheAgent(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	got := &collector{}
	b, err := mqttbroker.Start("127.0.0.1:0", quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Subscribe(demo.AlertFilter, got.add); err != nil {
		t.Fatal(err)
	}
	wires, err := sim.OpenWires()
	if err != nil {
		t.Fatal(err)
	}
	defer wires.Close()
	cfg := demo.Config(t.TempDir(), b.URL(), wires)
	cfg.Capture, cfg.HTTP.Address = "", ""
	ag, err := agent.New(cfg, agent.Options{Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- ag.Run(ctx) }()
	select {
	case <-ag.Ready():
	case err := <-done:
		t.Fatalf("agent stopped: %v", err)
	}
	job := func(number string) []byte {
		return []byte("\x1b@RECEIPT " + number + "\r\nTOTAL 4.50\r\nCASH 5.00\r\n\x1dV\x01\x1d(H\x06\x00\x30\x30" + number)
	}
	ws := []sim.Write{
		{At: 0, Wire: sim.PrinterHost, Data: job("0001")},
		{At: 800 * time.Millisecond, Wire: sim.PrinterDevice, Data: []byte("\x37\x220001\x00")}, // printed
		{At: 2 * time.Second, Wire: sim.PrinterHost, Data: job("0002")},                         // never confirmed
	}
	if err := (&sim.Player{Out: wires.Writer}).Play(ctx, ws); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "print_failed for the unconfirmed job", 30*time.Second, func() bool { return got.keys()["print_failed"] != "" })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("agent: %v", err)
	}
	got.mu.Lock()
	defer got.mu.Unlock()
	var failed []string
	for _, a := range got.alerts {
		if a.Kind == "print_failed" {
			failed = append(failed, a.Summary)
		}
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "0002") || !strings.Contains(failed[0], "never confirmed") {
		t.Errorf("print_failed alerts = %q, want one, for receipt 0002, saying the printer never confirmed it", failed)
	}
}
