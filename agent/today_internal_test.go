package agent

import (
	"testing"
	"time"
	_ "time/tzdata" // the zone as the tillwatch binary has it (cmd/tillwatch/tzdata.go): never skipped

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
)

// TestDayReplayKeepsTheLanesDay: after a restart the day is the lane's
// (Asia/Shanghai, UTC+8): a card paid without a receipt at 23:50 local is
// decided (receipt_wait 90 s + clock_skew) at 23:51:32, yesterday; one at
// 23:59 is decided at 00:00:32, today's; one at 00:05, the journal's last
// event, is decided at its deadline on the way to now (00:30), today's.
func TestDayReplayKeepsTheLanesDay(t *testing.T) {
	cfg := configs.Default()
	cfg.Site, cfg.Lane, cfg.TimeZone = "s1", "l1", "Asia/Shanghai"
	cfg.Devices = []configs.Device{{Name: "terminal", Role: configs.RoleTerminal, Protocol: "zvt"}}
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hh, mm int) time.Time { return time.Date(2026, 11, day, hh, mm, 0, 0, sh) }
	now := at(23, 0, 30)
	d, err := newDayReplay(cfg, now)
	if err != nil {
		t.Fatal(err)
	}
	sale := func(when time.Time, trace string) *drivers.Payment {
		return &drivers.Payment{Head: drivers.Head{Time: when.UTC(), Device: "terminal"}, Type: drivers.PaySale,
			Result: drivers.Approved, Amount: 3550, Requested: 3550, Currency: "CNY", Trace: trace}
	}
	for _, ev := range []drivers.Event{sale(at(22, 23, 50), "000001"), sale(at(22, 23, 59), "000002"), sale(at(23, 0, 5), "000003")} {
		d.observe(ev)
	}
	d.until(now)
	var traces []string
	for _, a := range d.alerts {
		if a.Kind == detect.KindPaymentWithoutReceipt {
			traces = append(traces, a.Payment.Trace)
		}
	}
	if len(traces) != 2 || traces[0] != "000002" || traces[1] != "000003" {
		t.Errorf("today's payments without receipt: %v, want [000002 000003]", traces)
	}
	if len(d.events) != 3 {
		t.Errorf("%d events kept for the pages, want 3", len(d.events))
	}
}
