package agent_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/status"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/sim"
)

// todayIDs reads the manager page's day from /status.json: the ids of
// today's alerts.
func todayIDs(t *testing.T, ag *agent.Agent) []string {
	t.Helper()
	code, body := fetch(t, "http://"+ag.StatusAddr()+"/status.json")
	if code != 200 {
		t.Fatalf("/status.json: %d %s", code, body)
	}
	var s status.Snapshot
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("/status.json: %v", err)
	}
	var ids []string
	for _, a := range s.Today {
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestTodayAfterRestart: the manager page (/today) does not start from
// zero when the agent restarts. A lane (time zone Asia/Shanghai) has an
// under-charge and a printer running low on paper; after a restart on the
// same data directory the page shows the same alerts of the lane's day,
// rebuilt from the journal (same ids), the incidents counted, the
// printer's state and the terminal's last payment.
func TestTodayAfterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	quiet := lanetest.Quiet()
	d := lanetest.NewDemo(t, quiet)
	alerts, wires, cfg := d.Alerts, d.Wires, d.Config
	cfg.HTTP.Address, cfg.TimeZone, cfg.Locale = "127.0.0.1:0", "Asia/Shanghai", "en"
	ln := lanetest.Start(t, cfg, agent.Options{Log: quiet})
	ln.WaitReady(t, 30*time.Second)
	writes, err := sim.Compile([]sim.Action{
		{At: 0, EnableStatus: true},
		{At: 100 * time.Millisecond, Sale: &sim.CardSale{Requested: 1200, Currency: 156, Trace: "000102", ReceiptNo: "0102", AuthCode: "483921", PAN: "622588EEEEEE9012", Terminal: "52523535"}},
		{At: 1600 * time.Millisecond, Print: &sim.Receipt{Number: "0003", Items: []sim.Item{{Name: "GROCERIES", Amount: 12000}}, Tenders: []sim.Tender{{Kind: "card", Amount: 12000}}}},
		{At: 2 * time.Second, Printer: &sim.PrinterState{PaperNearEnd: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := (&sim.Player{Out: wires.Writer, Baud: 9600}).Play(t.Context(), writes); err != nil {
		t.Fatal(err)
	}
	mm := alerts.Wait(t, detect.KindAmountMismatch, detect.Raised, 30*time.Second)
	pf := alerts.Wait(t, detect.KindPrinterFault, detect.Raised, 30*time.Second)
	want := []string{mm.ID, pf.ID}
	slices.Sort(want)
	if got := todayIDs(t, ln.Agent); !slices.Equal(got, want) {
		t.Fatalf("before the restart today has %v, want %v", got, want)
	}
	if err := ln.Stop(); err != nil {
		t.Fatal(err)
	}

	ln2 := lanetest.Start(t, cfg, agent.Options{Log: quiet})
	ln2.WaitReady(t, 30*time.Second)
	if got := todayIDs(t, ln2.Agent); !slices.Equal(got, want) {
		t.Errorf("after the restart today has %v, want %v", got, want)
	}
	code, page := fetch(t, "http://"+ln2.Agent.StatusAddr()+"/today?lang=en")
	if code != 200 {
		t.Fatalf("/today: %d", code)
	}
	for _, s := range []string{"Wrong amount charged", "Printer problem", "paper running low", "CNY 12.00", "108.00"} {
		if !strings.Contains(page, s) {
			t.Errorf("/today after the restart lacks %q", s)
		}
	}
}
