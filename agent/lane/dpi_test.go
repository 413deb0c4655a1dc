package lane

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
)

// TestDotsPerInch: a printer's dots_per_inch reaches its decoder. A
// receipt that sets GS P 90 (motion units of 1/90 inch) and places its
// amount with ESC $ 120 (4/3 inch) prints it 240 dots in on a 180 dpi
// head, column 20 of 12-dot Font A, and 270 dots in on the default 203
// dpi one, which the decoder shows at column 23.
func TestDotsPerInch(t *testing.T) {
	job := []byte("\x1b@\x1dP\x5a\x00TOTAL\x1b$\x78\x0015.00\n\x1dV\x00")
	for _, tc := range []struct {
		dpi  int
		want string
	}{
		{0, "TOTAL                  15.00"},
		{180, "TOTAL               15.00"},
	} {
		cfg := configs.Default()
		p := configs.DefaultDevice("printer", configs.RolePrinter, "/dev/null")
		p.DotsPerInch = tc.dpi
		cfg.Devices = []configs.Device{p}
		ln, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := ln.Feed("printer", drivers.Chunk{Time: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), Dir: drivers.FromHost, Data: job})
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ln.EndOfInput(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))...)
		var got string
		for _, ev := range evs {
			if r, ok := ev.(*drivers.Receipt); ok && len(r.Lines) > 0 {
				got = r.Lines[0].Text
			}
		}
		if got != tc.want {
			t.Errorf("dots_per_inch %d: printed %q, want %q", tc.dpi, got, tc.want)
		}
	}
}
