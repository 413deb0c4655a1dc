package escpos

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestUnansweredAfterCut: the register asks "did it print?" right after
// the cut (GS r 1 or DLE EOT 1). The cut receipt is held until the answer
// or the status timeout; unanswered, it comes out Unanswered, before the
// NoReply status, at the request's time plus StatusTimeout.
func TestUnansweredAfterCut(t *testing.T) {
	const job = "\x1b@SALE 12.00\n\x1dV\x01"
	tests := []struct {
		name       string
		ask        string
		answer     string          // "" never
		observed   bool            // the printer -> host line is seen
		flushes    []time.Duration // Flush times after t0
		outAt      time.Duration   // the flush that releases the receipt (-1: FlushAll)
		unanswered bool
		noReply    bool
	}{
		{name: "GS r 1 answered: out at the kick window", ask: "\x1dr\x01", answer: "\x00", observed: true,
			flushes: []time.Duration{time.Second, 2100 * time.Millisecond}, outAt: 2100 * time.Millisecond},
		{name: "DLE EOT 1 answered", ask: "\x10\x04\x01", answer: "\x16", observed: true,
			flushes: []time.Duration{2100 * time.Millisecond}, outAt: 2100 * time.Millisecond},
		{name: "GS r 1 never answered: held past the kick window, out Unanswered at the timeout", ask: "\x1dr\x01", observed: true,
			flushes: []time.Duration{2100 * time.Millisecond, 2900 * time.Millisecond, 3100 * time.Millisecond}, outAt: 3100 * time.Millisecond,
			unanswered: true, noReply: true},
		{name: "DLE EOT 1 never answered", ask: "\x10\x04\x01", observed: true,
			flushes: []time.Duration{3100 * time.Millisecond}, outAt: 3100 * time.Millisecond, unanswered: true, noReply: true},
		{name: "printer line not seen: silence proves nothing", ask: "\x1dr\x01", observed: false,
			flushes: []time.Duration{2100 * time.Millisecond, 3100 * time.Millisecond}, outAt: 2100 * time.Millisecond},
		{name: "input ends while waiting", ask: "\x1dr\x01", observed: true,
			flushes: []time.Duration{2100 * time.Millisecond}, outAt: -1, unanswered: true, noReply: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := New(Options{DeviceObserved: tc.observed})
			var evs []drivers.Event
			d.Feed(drivers.Chunk{Time: t0, Data: []byte(job)})
			evs = append(evs, d.Feed(drivers.Chunk{Time: t0.Add(10 * time.Millisecond), Data: []byte(tc.ask)})...)
			if tc.answer != "" {
				evs = append(evs, d.Feed(drivers.Chunk{Time: t0.Add(30 * time.Millisecond), Dir: drivers.FromDevice, Data: []byte(tc.answer)})...)
			}
			var out time.Duration = -2
			for _, f := range tc.flushes {
				got := d.Flush(t0.Add(f))
				if len(receipts(got)) > 0 && out == -2 {
					out = f
				}
				evs = append(evs, got...)
			}
			if out == -2 {
				got := d.FlushAll()
				if len(receipts(got)) > 0 {
					out = -1
				}
				evs = append(evs, got...)
			}
			rs := receipts(evs)
			if len(rs) != 1 || out != tc.outAt {
				t.Fatalf("%d receipts out at %v, want 1 at %v", len(rs), out, tc.outAt)
			}
			r := rs[0]
			if r.Unanswered != tc.unanswered || !r.Cut || !r.Time.Equal(t0) {
				t.Errorf("receipt unanswered=%v cut=%v time=%v, want unanswered=%v, cut, t0", r.Unanswered, r.Cut, r.Time.Sub(t0), tc.unanswered)
			}
			var noReply *drivers.PrinterStatus
			ri, si := -1, -1
			for i, ev := range evs {
				switch v := ev.(type) {
				case *drivers.Receipt:
					ri = i
				case *drivers.PrinterStatus:
					if v.NoReply {
						noReply, si = v, i
					}
				}
			}
			if (noReply != nil) != tc.noReply {
				t.Fatalf("NoReply status %+v, want one: %v", noReply, tc.noReply)
			}
			if noReply != nil && (si < ri || !noReply.Time.Equal(t0.Add(10*time.Millisecond+DefaultStatusTimeout))) {
				t.Errorf("NoReply at %v (event %d, receipt %d), want request + timeout, after the receipt", noReply.Time.Sub(t0), si, ri)
			}
		})
	}
}

// TestUnansweredDuringJob: a status request sent during the job and never
// answered marks the job too.
func TestUnansweredDuringJob(t *testing.T) {
	d := New(Options{DeviceObserved: true})
	var evs []drivers.Event
	evs = append(evs, d.Feed(drivers.Chunk{Time: t0, Data: []byte("\x1b@SALE 12.00\n\x10\x04\x01")})...)
	evs = append(evs, d.Feed(drivers.Chunk{Time: t0.Add(4 * time.Second), Data: []byte("TOTAL 12.00\n\x1dV\x01")})...)
	evs = append(evs, d.Flush(t0.Add(10*time.Second))...)
	rs := receipts(evs)
	if len(rs) != 1 || !rs[0].Unanswered {
		t.Fatalf("receipts %+v, want one Unanswered", rs)
	}
}
