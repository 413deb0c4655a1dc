package journal

import (
	"bytes"
	"testing"
	"time"
)

// FuzzTimeKey checks that keys order like times (the property Range
// relies on) for any two instants, seeded with the testdata times.
func FuzzTimeKey(f *testing.F) {
	for _, ev := range loadEvents(f) {
		f.Add(ev.When().Unix(), int64(ev.When().Nanosecond()), int64(1))
	}
	f.Add(int64(-1), int64(0), int64(2))
	f.Add(int64(1<<40), int64(5), int64(-7))
	f.Fuzz(func(t *testing.T, sec, nsec, delta int64) {
		a := time.Unix(sec, nsec)
		b := a.Add(time.Duration(delta))
		ka, kb := timeKey(a), timeKey(b)
		if a.Before(b) && bytes.Compare(ka, kb) > 0 || a.After(b) && bytes.Compare(ka, kb) < 0 {
			t.Fatalf("timeKey order broken: %v -> %x, %v -> %x", a, ka, b, kb)
		}
	})
}

// FuzzParseID checks that Get's id parser never panics and only accepts
// what it returns as ids.
func FuzzParseID(f *testing.F) {
	f.Add("18ea567e94d590000000000000000003")
	f.Add("")
	f.Add("zz")
	f.Fuzz(func(t *testing.T, id string) {
		k, err := parseID(id)
		if err == nil && len(k) != 16 {
			t.Fatalf("parseID(%q) accepted a %d-byte key", id, len(k))
		}
		if _, err := Time(id); (err == nil) != (k != nil) {
			t.Fatalf("Time and parseID disagree on %q", id)
		}
	})
}
