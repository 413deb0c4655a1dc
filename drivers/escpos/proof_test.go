package escpos

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// job then GS ( H fn 48 (process id "1234") after the cut, as Epson's
// application notes recommend.
const proofJob = "\x1b@SALE 12.00\n\x1dV\x01\x1d(H\x06\x00\x30\x301234"

// proofAnswer is the printer's answer once the job printed: "7" '"' id NUL.
const proofAnswer = "\x37\x221234\x00"

func TestPrintProof(t *testing.T) {
	tests := []struct {
		name        string
		observed    bool
		answerAfter time.Duration // 0: never
		flushAt     time.Duration
		wantAt      time.Duration // when the receipt comes out (-1: not yet)
		unconfirmed bool
	}{
		{name: "answered: released by the answer, confirmed", observed: true, answerAfter: time.Second, flushAt: 0, wantAt: time.Second},
		{name: "silent printer: held up to the proof timeout", observed: true, flushAt: 4 * time.Second, wantAt: -1},
		{name: "silent printer: unconfirmed after the timeout", observed: true, flushAt: 6 * time.Second, wantAt: 6 * time.Second, unconfirmed: true},
		{name: "late answer after the timeout: still unconfirmed", observed: true, answerAfter: 7 * time.Second, wantAt: 7 * time.Second, unconfirmed: true},
		{name: "printer line not observed: silence proves nothing", observed: false, flushAt: 6 * time.Second, wantAt: 6 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := New(Options{DeviceObserved: tc.observed})
			var got []*drivers.Receipt
			var at time.Duration = -1
			collect := func(when time.Duration, evs []drivers.Event) {
				if rs := receipts(evs); len(rs) > 0 {
					got = append(got, rs...)
					if at < 0 {
						at = when
					}
				}
			}
			collect(0, d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromHost, Data: []byte(proofJob)}))
			if tc.answerAfter > 0 {
				collect(tc.answerAfter, d.Feed(drivers.Chunk{Time: t0.Add(tc.answerAfter), Dir: drivers.FromDevice, Data: []byte(proofAnswer)}))
			}
			if tc.flushAt > 0 {
				collect(tc.flushAt, d.Flush(t0.Add(tc.flushAt)))
			}
			if tc.wantAt < 0 {
				if len(got) != 0 {
					t.Fatalf("receipt released early: %+v", got[0])
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%d receipts, want 1", len(got))
			}
			r := got[0]
			if at != tc.wantAt || r.Unconfirmed != tc.unconfirmed || !r.Cut || !r.Time.Equal(t0) {
				t.Errorf("receipt out at %v unconfirmed=%v cut=%v time=%v; want out at %v unconfirmed=%v, cut, time t0",
					at, r.Unconfirmed, r.Cut, r.Time.Sub(t0), tc.wantAt, tc.unconfirmed)
			}
		})
	}
}

// TestPrintProofEOF: the input ends while the confirmation is awaited.
func TestPrintProofEOF(t *testing.T) {
	d := New(Options{DeviceObserved: true})
	d.Feed(drivers.Chunk{Time: t0, Data: []byte(proofJob)})
	rs := receipts(d.FlushAll())
	if len(rs) != 1 || !rs[0].Unconfirmed {
		t.Fatalf("FlushAll: %+v, want one unconfirmed receipt", rs)
	}
}
