package agent

import (
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/journalapi"
	"github.com/tillwatch/tillwatch/agent/uplink"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
)

// TestJournalUpkeep: with a fake clock, the daily step prunes what is
// older than the retention (and says how many), publishes yesterday's
// summary once after the summary time and not before.
func TestJournalUpkeep(t *testing.T) {
	cfg := configs.Default()
	cfg.Site, cfg.Lane, cfg.DataDir = "shop", "lane-1", t.TempDir()
	cfg.Summary.At = "00:05"
	dev := configs.DefaultDevice("printer", configs.RolePrinter, "/dev/null")
	dev.Currency = "CNY"
	cfg.Devices = []configs.Device{dev}
	a, err := New(cfg, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	jr := a.newJournalRun(nil)
	jr.loc = time.FixedZone("CST", 8*3600)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation(time.DateTime, s, jr.loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	total := int64(6800)
	rc := func(s string) drivers.Event {
		return &drivers.Receipt{Head: drivers.Head{Time: at(s), Device: "printer"}, Cut: true, Ended: "cut", Total: &total, Due: &total,
			Currency: "CNY", Tenders: []drivers.Tender{{Kind: drivers.TenderCash, Amount: total}}}
	}
	if _, err := a.journal.Append(rc("2026-08-01 10:00:00"), rc("2026-08-24 10:00:00"), rc("2026-11-22 10:00:00"), rc("2026-11-22 11:00:00")); err != nil {
		t.Fatal(err)
	}

	// 00:01 on the 23rd: too early for the summary; prune drops the two
	// events older than 90 days.
	if err := jr.daily(at("2026-11-23 00:01:00")); err != nil {
		t.Fatal(err)
	}
	if n, _ := a.out.Queue().Len(); n != 0 {
		t.Fatalf("summary queued before its time: %d", n)
	}
	if n, err := a.journal.Prune(at("2026-08-25 00:00:00")); err != nil || n != 0 {
		t.Fatalf("old events left after the daily prune: %d, %v", n, err)
	}
	if got := jr.next(at("2026-11-23 00:01:00")); !got.Equal(at("2026-11-23 00:05:00")) {
		t.Fatalf("next upkeep %v", got)
	}
	// 00:06: the summary of the 22nd, once even if the step runs again.
	for range 2 {
		if err := jr.daily(at("2026-11-23 00:06:00")); err != nil {
			t.Fatal(err)
		}
	}
	items, err := a.out.Queue().Pending(10)
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox: %d items, %v; want one summary", len(items), err)
	}
	msg, err := uplink.DecodeMessage(items[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	var s journalapi.Summary
	if err := json.Unmarshal(msg.Payload, &s); err != nil {
		t.Fatal(err)
	}
	if msg.Topic != "tillwatch/v1/shop/lane-1/settlement" || s.Day != "2026-11-22" || s.Receipts.Count != 2 ||
		s.Tenders[drivers.TenderCash].Amount != 13600 || s.Partial || items[0].ID != journalapi.SummaryID("shop", "lane-1", "2026-11-22") {
		t.Fatalf("summary on %s: %s", msg.Topic, msg.Payload)
	}
	if got := jr.next(at("2026-11-23 00:06:00")); !got.Equal(at("2026-11-24 00:05:00")) {
		t.Fatalf("next upkeep %v", got)
	}
}

// TestSummaryOfUnwatchedDay: an agent started for the first time on the
// 23rd publishes no summary of the 22nd (it did not run that day: all
// zeros with partial=false was a lie); one first started at 14:00 on the
// 22nd publishes the 22nd marked partial, watched from 14:00. Restarts do
// not move the day the agent began.
func TestSummaryOfUnwatchedDay(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation(time.DateTime, s, cst)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name, firstStart string
		want             int // summaries queued
	}{
		{"first start the next morning", "2026-11-23 00:03:00", 0},
		{"first start in the afternoon", "2026-11-22 14:00:00", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := configs.Default()
			cfg.Site, cfg.Lane, cfg.DataDir = "shop", "lane-1", t.TempDir()
			cfg.Summary.At = "00:05"
			cfg.Devices = []configs.Device{configs.DefaultDevice("printer", configs.RolePrinter, "/dev/null")}
			a, err := New(cfg, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			jr := a.newJournalRun(nil)
			jr.loc = cst
			// What Run does at its first start.
			if err := a.journal.Begin(at(tc.firstStart)); err != nil {
				t.Fatal(err)
			}
			// A later start does not move it.
			if err := a.journal.Begin(at("2026-11-23 00:04:00")); err != nil {
				t.Fatal(err)
			}
			if err := jr.daily(at("2026-11-23 00:06:00")); err != nil {
				t.Fatal(err)
			}
			items, err := a.out.Queue().Pending(10)
			if err != nil || len(items) != tc.want {
				t.Fatalf("outbox: %d items, %v; want %d", len(items), err, tc.want)
			}
			if tc.want == 0 {
				return
			}
			msg, err := uplink.DecodeMessage(items[0].Value)
			if err != nil {
				t.Fatal(err)
			}
			var s journalapi.Summary
			if err := json.Unmarshal(msg.Payload, &s); err != nil {
				t.Fatal(err)
			}
			if s.Day != "2026-11-22" || !s.Partial || !s.WatchedFrom.Equal(at(tc.firstStart)) || s.Unwatched {
				t.Fatalf("summary of a day watched from %s: %s", tc.firstStart, msg.Payload)
			}
		})
	}
}
