package drivers

import (
	"testing"
	"time"
)

// TestDamageReporter: damage makes an event at once, then at most one per
// DamageEvery; what was held back comes out with the next one or at Flush.
func TestDamageReporter(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var r DamageReporter
	r.Note(t0, FromDevice, "crc")
	r.Note(t0.Add(time.Second), FromDevice, "noise")
	r.Note(t0.Add(2*time.Second), FromHost, "framing")
	got := r.Take()
	if len(got) != 1 {
		t.Fatalf("%d events after three damages in 2s, want 1", len(got))
	}
	if d := got[0].(*Damage); d.What != "crc" || d.Frames != 1 || d.Dir != "device" || !d.Time.Equal(t0) {
		t.Errorf("first event %+v", d)
	}
	r.Flush(t0.Add(4 * time.Second))
	if got := r.Take(); len(got) != 0 {
		t.Fatalf("flushed %d events before DamageEvery passed", len(got))
	}
	r.Flush(t0.Add(6 * time.Second))
	got = r.Take()
	if len(got) != 1 {
		t.Fatalf("%d events at flush, want the two held back in one", len(got))
	}
	if d := got[0].(*Damage); d.What != "noise" || d.Frames != 2 || !d.Time.Equal(t0.Add(2*time.Second)) {
		t.Errorf("held-back event %+v, want noise, 2 frames, at the last of them", d)
	}
	if r.Total() != 3 {
		t.Errorf("total %d, want 3", r.Total())
	}
	r.Note(t0.Add(20*time.Second), FromDevice, "crc")
	if got := r.Take(); len(got) != 1 {
		t.Errorf("%d events for damage long after, want 1 at once", len(got))
	}
}

// TestDamageRoundTrip: a Damage event survives the journal's encoding.
func TestDamageRoundTrip(t *testing.T) {
	in := &Damage{Head: Head{Time: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), Device: "terminal"}, What: "crc", Frames: 2, Dir: "device"}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := out.(*Damage); !ok || *d != *in {
		t.Errorf("round trip gave %#v, want %#v", out, in)
	}
}
