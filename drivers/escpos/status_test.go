package escpos

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// step is one chunk of a status conversation.
type step struct {
	at   time.Duration // after t0
	dir  drivers.Direction
	data string
}

// flag names what a status says, for compact comparison.
func flags(s *drivers.PrinterStatus) string {
	out := s.Via
	add := func(on bool, name string) {
		if on {
			out += " " + name
		}
	}
	add(s.Online, "online")
	add(s.Offline, "offline")
	add(s.CoverOpen, "cover")
	add(s.PaperEnd, "paper_end")
	add(s.PaperNearEnd, "near_end")
	add(s.CutterError, "cutter")
	add(s.Unrecoverable, "unrecoverable")
	add(s.AutoRecoverable, "auto_recoverable")
	add(s.Error, "error")
	add(s.NoReply, "no_reply")
	add(s.Partial, "partial")
	return out
}

const (
	host   = drivers.FromHost
	device = drivers.FromDevice
	ms     = time.Millisecond
)

func TestStatus(t *testing.T) {
	tests := []struct {
		name     string
		observed bool
		steps    []step
		flushAt  time.Duration
		want     []string
		wantAt   []time.Duration // event times after t0, when checked
	}{
		{name: "ASB paper end then clear", steps: []step{
			{0, device, "\x10\x00\x00\x00"},
			{ms, device, "\x10\x00\x0c\x00"},
			{2 * ms, device, "\x10\x00\x0c\x00"}, // unchanged: no event
			{3 * ms, device, "\x10\x00\x00\x00"},
		}, want: []string{"asb online", "asb paper_end", "asb online"}},
		{name: "ASB cover open offline, near end, cutter", steps: []step{
			{0, device, "\x38\x00\x00\x00"},
			{ms, device, "\x10\x08\x03\x00"},
		}, want: []string{"asb offline cover", "asb near_end cutter"}},
		{name: "DLE EOT 4 paper end", steps: []step{
			{0, host, "\x10\x04\x04"},
			{ms, device, "\x72"},
		}, want: []string{"dle_eot_4 paper_end partial"}},
		{name: "DLE EOT 2 cover open", steps: []step{
			{0, host, "\x10\x04\x02"},
			{ms, device, "\x16"},
		}, want: []string{"dle_eot_2 cover partial"}},
		{name: "DLE EOT 1 offline, FIFO with DLE EOT 3", steps: []step{
			{0, host, "\x10\x04\x01\x10\x04\x03"},
			{ms, device, "\x1e\x5a"},
		}, want: []string{"dle_eot_1 offline partial", "dle_eot_3 cutter auto_recoverable partial"}},
		{name: "same answer twice: one event", steps: []step{
			{0, host, "\x10\x04\x01"}, {ms, device, "\x16"},
			{2 * ms, host, "\x10\x04\x01"}, {3 * ms, device, "\x16"},
		}, want: []string{"dle_eot_1 online partial"}},
		{name: "GS r 1 paper end among XON XOFF", steps: []step{
			{0, host, "\x1dr\x01"},
			{ms, device, "\x11\x13\x0c"},
		}, want: []string{"gs_r paper_end partial"}},
		{name: "GS r 2 drawer answer: matched, no flags", steps: []step{
			{0, host, "\x1dr\x02\x1dr\x01"},
			{ms, device, "\x00\x03"},
		}, want: []string{"gs_r online near_end partial"}},
		{name: "GS I block reply is skipped", steps: []step{
			{0, host, "\x1dIB\x10\x04\x04"},
			{ms, device, "_EPSON\x00\x12"},
		}, want: []string{"dle_eot_4 online partial"}},
		{name: "unanswered request when observed", observed: true, steps: []step{
			{0, host, "\x10\x04\x01"},
		}, flushAt: 4 * time.Second, want: []string{"timeout no_reply"}, wantAt: []time.Duration{3 * time.Second}},
		{name: "unanswered request not observed: silence means nothing", steps: []step{
			{0, host, "\x10\x04\x01"},
		}, flushAt: time.Hour},
		{name: "observed after an answer; silence reported once, recovery reported", steps: []step{
			{0, host, "\x10\x04\x01"}, {ms, device, "\x16"},
			{time.Second, host, "\x10\x04\x01"},
			{2 * time.Second, host, "\x10\x04\x01"},
			{10 * time.Second, host, "\x10\x04\x01"},
			{10*time.Second + ms, device, "\x16"},
		}, want: []string{"dle_eot_1 online partial", "timeout no_reply", "dle_eot_1 online partial"},
			wantAt: []time.Duration{ms, 4 * time.Second, 10*time.Second + ms}},
		{name: "GS r in the print buffer never answered at paper end", observed: true, steps: []step{
			{0, host, "\x1dr\x01"},
			{5 * time.Second, host, "A"},
		}, want: []string{"timeout no_reply"}},
		{name: "answer read before its request (two-line tap) is matched", observed: true, steps: []step{
			{0, device, "\x72"},
			{40 * ms, host, "\x10\x04\x04"},
		}, flushAt: 10 * time.Second, want: []string{"dle_eot_4 paper_end partial"}, wantAt: []time.Duration{40 * ms}},
		{name: "an early answer too old for the request is not matched", observed: true, steps: []step{
			{0, device, "\x72"},
			{500 * ms, host, "\x10\x04\x04"},
		}, flushAt: 10 * time.Second, want: []string{"timeout no_reply"}},
		{name: "late or unsolicited answers are counted, not matched", steps: []step{
			{0, device, "\x12\x05"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := New(Options{DeviceObserved: tc.observed})
			var evs []drivers.Event
			for _, s := range tc.steps {
				evs = append(evs, d.Feed(drivers.Chunk{Time: t0.Add(s.at), Dir: s.dir, Data: []byte(s.data)})...)
			}
			if tc.flushAt > 0 {
				evs = append(evs, d.Flush(t0.Add(tc.flushAt))...)
			}
			ss := statuses(evs)
			if len(ss) != len(tc.want) {
				got := []string{}
				for _, s := range ss {
					got = append(got, flags(s))
				}
				t.Fatalf("statuses = %q, want %q", got, tc.want)
			}
			for i, s := range ss {
				if f := flags(s); f != tc.want[i] {
					t.Errorf("status %d = %q, want %q", i, f, tc.want[i])
				}
				if i < len(tc.wantAt) && !s.Time.Equal(t0.Add(tc.wantAt[i])) {
					t.Errorf("status %d at %v, want t0+%v", i, s.Time.Sub(t0), tc.wantAt[i])
				}
			}
		})
	}
}

// TestStatusCounters: unsolicited bytes (too early to answer the later
// requests) and timeouts are counted.
func TestStatusCounters(t *testing.T) {
	d := New(Options{DeviceObserved: true})
	d.Feed(drivers.Chunk{Time: t0, Dir: device, Data: []byte("\x12\x05")})
	d.Feed(drivers.Chunk{Time: t0.Add(time.Second), Dir: host, Data: []byte("\x10\x04\x01\x10\x04\x02")})
	d.FlushAll()
	if st := d.Stats(); st.Unsolicited != 2 || st.NoReply != 2 || st.DeviceBytes != 2 {
		t.Errorf("stats = %+v, want 2 unsolicited, 2 no reply, 2 device bytes", st)
	}
}

// TestStatusInsideJob: a status poll neither opens nor prolongs a job.
func TestStatusInsideJob(t *testing.T) {
	d := New(Options{})
	d.Feed(drivers.Chunk{Time: t0, Data: []byte("A\n")})
	endedAt := 0
	for i := 1; i <= 30; i++ {
		evs := d.Feed(drivers.Chunk{Time: t0.Add(time.Duration(i) * time.Second), Data: []byte("\x10\x04\x01")})
		if rs := receipts(evs); len(rs) == 1 && rs[0].Ended == "idle" && rs[0].Time.Equal(t0) {
			endedAt = i
		}
	}
	if endedAt != 21 {
		t.Fatalf("idle job ended at poll %d, want 21 (polls must not keep it alive)", endedAt)
	}
	_, d2 := decodeBytes(Options{}, []byte("\x10\x04\x01\x1dr\x01"))
	if st := d2.Stats(); st.Jobs != 0 || st.Dropped != 0 {
		t.Errorf("status requests opened a job: %+v", st)
	}
}
