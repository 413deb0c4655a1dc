package detect

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

func TestEventID(t *testing.T) {
	a, b := sale(0, 2040, "000470"), sale(0, 2040, "000470")
	if EventID(a) != EventID(b) || len(EventID(a)) != 16 {
		t.Errorf("equal events: %q %q", EventID(a), EventID(b))
	}
	for name, other := range map[string]drivers.Event{
		"time":   sale(sec, 2040, "000470"),
		"amount": sale(0, 2041, "000470"),
		"device": with(sale(0, 2040, "000470"), func(p *drivers.Payment) { p.Device = "terminal2" }),
		"type":   rcpt(0, "000470", card(2040)),
	} {
		if EventID(other) == EventID(a) {
			t.Errorf("%s change keeps the id", name)
		}
	}
	if EventID(nil) != "" {
		t.Error("nil event has an id")
	}
	far := sale(0, 1, "1")
	far.Time = time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC) // drivers.Marshal fails
	if id := EventID(far); len(id) != 16 || id == EventID(sale(0, 1, "1")) {
		t.Errorf("unmarshalable event id %q", id)
	}
}

func TestAlertIDIgnoresEvidenceOrder(t *testing.T) {
	if alertID("s", "l", "k", Raised, []string{"a", "b"}) != alertID("s", "l", "k", Raised, []string{"b", "a"}) {
		t.Error("order of evidence changes the id")
	}
	base := alertID("s", "l", "k", Raised, []string{"a"})
	for _, other := range []string{
		alertID("s", "l", "k", Resolved, []string{"a"}), alertID("s", "l", "k", "", []string{"a"}),
		alertID("s", "l", "k2", Raised, []string{"a"}), alertID("s", "l2", "k", Raised, []string{"a"}),
		alertID("s2", "l", "k", Raised, []string{"a"}), alertID("s", "l", "k", Raised, []string{"a", "b"}),
		alertID("sl", "", "k", Raised, []string{"a"}),
	} {
		if other == base {
			t.Error("a different alert has the same id")
		}
	}
}

func TestMergePrinterStatus(t *testing.T) {
	paper := drivers.PrinterStatus{PaperEnd: true, Offline: true, PaperNearEnd: true}
	for _, c := range []struct {
		name string
		cur  drivers.PrinterStatus
		in   drivers.PrinterStatus
		want drivers.PrinterStatus
	}{
		{"full replaces", paper, drivers.PrinterStatus{CoverOpen: true, Via: "asb"},
			drivers.PrinterStatus{CoverOpen: true, Via: "asb"}},
		{"eot1 sets offline only", paper, drivers.PrinterStatus{Partial: true, Via: "dle_eot_1"},
			drivers.PrinterStatus{PaperEnd: true, PaperNearEnd: true, Via: "dle_eot_1"}},
		{"eot4 clears paper", paper, drivers.PrinterStatus{Partial: true, Via: "dle_eot_4"},
			drivers.PrinterStatus{Offline: true, Via: "dle_eot_4"}},
		{"eot2 keeps cutter", drivers.PrinterStatus{CutterError: true}, drivers.PrinterStatus{Partial: true, Via: "dle_eot_2", CoverOpen: true},
			drivers.PrinterStatus{CutterError: true, CoverOpen: true, Via: "dle_eot_2"}},
		{"eot3 clears cutter", drivers.PrinterStatus{CutterError: true, CoverOpen: true}, drivers.PrinterStatus{Partial: true, Via: "dle_eot_3"},
			drivers.PrinterStatus{CoverOpen: true, Via: "dle_eot_3"}},
		{"unknown partial adds", drivers.PrinterStatus{CoverOpen: true}, drivers.PrinterStatus{Partial: true, Via: "gs_r", PaperEnd: true},
			drivers.PrinterStatus{CoverOpen: true, PaperEnd: true, Via: "gs_r"}},
		{"no reply keeps flags", paper, drivers.PrinterStatus{NoReply: true, Via: "timeout"},
			drivers.PrinterStatus{PaperEnd: true, Offline: true, PaperNearEnd: true, NoReply: true, Via: "timeout"}},
		{"an answer clears no reply", drivers.PrinterStatus{NoReply: true}, drivers.PrinterStatus{Partial: true, Via: "dle_eot_4"},
			drivers.PrinterStatus{Online: true, Via: "dle_eot_4"}},
		{"all clear is online", paper, drivers.PrinterStatus{Via: "asb"}, drivers.PrinterStatus{Online: true, Via: "asb"}},
	} {
		in := c.in
		in.Time = t0
		in.Device = "printer"
		if got := merge(c.cur, &in); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestDescribePrinter(t *testing.T) {
	for _, c := range []struct {
		pe   PrinterEvidence
		want string
	}{
		{PrinterEvidence{}, "no printer status was ever seen"},
		{PrinterEvidence{Known: true, Online: true}, "printer reported no fault"},
		{PrinterEvidence{Known: true, PaperEnd: true, Offline: true, PaperNearEnd: true}, "printer reported paper end"},
		{PrinterEvidence{Known: true, Offline: true}, "printer reported offline"},
		{PrinterEvidence{Known: true, CoverOpen: true, CutterError: true}, "printer reported cover open, cutter error"},
		{PrinterEvidence{Known: true, NoReply: true}, "printer reported no reply to a status request"},
		{PrinterEvidence{Known: true, PaperNearEnd: true}, "printer reported paper near end"},
	} {
		if got := printerCause(c.pe); got != c.want {
			t.Errorf("%+v: %q, want %q", c.pe, got, c.want)
		}
	}
}
