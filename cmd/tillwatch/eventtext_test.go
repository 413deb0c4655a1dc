package main

import (
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestPrinterStatusText: the decode verbs print a printer's status in words
// (what is wrong, or OK), not as JSON; a partial reply does not read as
// offline for the flags it does not cover.
func TestPrinterStatusText(t *testing.T) {
	for _, c := range []struct {
		st   drivers.PrinterStatus
		want string
	}{
		{drivers.PrinterStatus{Online: true}, "printer status: online, OK\n"},
		{drivers.PrinterStatus{Online: true, PaperNearEnd: true, Via: "asb"}, "printer status: paper near end, via asb\n"},
		{drivers.PrinterStatus{CoverOpen: true, PaperEnd: true, Offline: true}, "printer status: offline, cover open, paper out\n"},
		{drivers.PrinterStatus{PaperEnd: true, Partial: true, Via: "dle_eot_4"}, "printer status: paper out (partial reply), via dle_eot_4\n"},
		{drivers.PrinterStatus{Error: true, CutterError: true}, "printer status: offline, cutter error\n"},
		{drivers.PrinterStatus{NoReply: true, Via: "timeout"}, "printer status: no reply to the status request\n"},
	} {
		if got := eventText(&c.st, "%02X"); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.st, got, c.want)
		}
	}
}
