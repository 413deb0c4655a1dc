package agent_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/testutil"
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
	d := lanetest.NewDemo(t, lanetest.Quiet())
	got, wires, cfg := d.Alerts, d.Wires, d.Config
	cfg.HTTP.Address = ""
	ln := lanetest.Start(t, cfg, agent.Options{Log: lanetest.Quiet()})
	ln.WaitReady(t, 30*time.Second)
	ctx := t.Context()
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
	testutil.WaitFor(t, "print_failed for the unconfirmed job", 30*time.Second, func() bool { return got.Keys()["print_failed"] != "" })
	if err := ln.Stop(); err != nil {
		t.Fatalf("agent: %v", err)
	}
	var failed []string
	for _, a := range got.All() {
		if a.Kind == "print_failed" {
			failed = append(failed, a.Summary)
		}
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "0002") || !strings.Contains(failed[0], "never confirmed") {
		t.Errorf("print_failed alerts = %q, want one, for receipt 0002, saying the printer never confirmed it", failed)
	}
}
