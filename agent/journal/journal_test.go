package journal

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/golden"
)

// ts parses an RFC 3339 time; "" is the zero time.
func ts(t testing.TB, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestAppendRange appends testdata/events.jsonl and compares the whole
// journal, as stored, with testdata/range.golden.
func TestAppendRange(t *testing.T) {
	db, _ := openDB(t, "")
	j := New(db)
	evs := loadEvents(t)
	ids, err := j.Append(evs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(evs) {
		t.Fatalf("%d ids for %d events", len(ids), len(evs))
	}
	var b strings.Builder
	err = j.Range(time.Time{}, time.Time{}, func(id string, ev drivers.Event) error {
		raw, err := drivers.Marshal(ev)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %s\n", id, raw)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	golden.CheckString(t, filepath.Join("testdata", "range.golden"), b.String())
	if strings.Contains(b.String(), "6799998900000002") {
		t.Fatal("full card number stored in the journal")
	}
	// The caller's event is not modified by masking.
	if p := evs[2].(*drivers.Payment); p.Card != "6799998900000002" {
		t.Fatalf("Append changed the caller's event: card %q", p.Card)
	}
}

func TestRangeBounds(t *testing.T) {
	db, _ := openDB(t, "")
	j := New(db)
	if _, err := j.Append(loadEvents(t)...); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		from, to string
		want     string // event types in order
	}{
		{"", "", "payment link receipt payment printer_status settlement"},
		{"2026-11-22T10:15:03.123456Z", "2026-11-22T10:16:00Z", "receipt payment"},
		{"2026-11-22T10:15:03.123457Z", "", "printer_status settlement"},
		{"", "2026-11-22T10:14:00Z", "payment"},
		{"2026-11-22T10:14:00Z", "2026-11-22T10:14:00Z", ""},
		{"2027-01-01T00:00:00Z", "", ""},
		{"1960-01-01T00:00:00Z", "1970-01-01T00:00:00.000000001Z", "payment"},
	}
	for _, tt := range tests {
		var types []string
		for _, l := range collect(t, j, tt.from, tt.to) {
			types = append(types, strings.Fields(l)[1])
		}
		if got := strings.Join(types, " "); got != tt.want {
			t.Errorf("Range(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := j.Range(time.Time{}, time.Time{}, func(string, drivers.Event) error { n++; return stop }); err != stop || n != 1 {
		t.Fatalf("Range with a stopping fn: n=%d err=%v", n, err)
	}
}

func TestGet(t *testing.T) {
	db, _ := openDB(t, "")
	j := New(db)
	evs := loadEvents(t)
	ids, err := j.Append(evs...)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		ev, err := j.Get(id)
		if err != nil {
			t.Fatalf("Get(%s): %v", id, err)
		}
		if ev.EventType() != evs[i].EventType() || !ev.When().Equal(evs[i].When()) && evs[i].When().Year() >= 1970 {
			t.Fatalf("Get(%s) = %s at %v, want %s at %v", id, ev.EventType(), ev.When(), evs[i].EventType(), evs[i].When())
		}
		if when, err := Time(id); err != nil || (evs[i].When().Year() >= 1970 && !when.Equal(evs[i].When())) {
			t.Fatalf("Time(%s) = %v, %v; want %v", id, when, err, evs[i].When())
		}
	}
	if p, _ := j.Get(ids[2]); p.(*drivers.Payment).Card != "679999******0002" {
		t.Fatalf("stored card %q, want it masked", p.(*drivers.Payment).Card)
	}
	missing := strings.Repeat("0", 31) + "9"
	if _, err := j.Get(missing); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
	}
	for _, bad := range []string{"", "xyz", ids[0][:30], ids[0] + "00"} {
		if _, err := j.Get(bad); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q) = %v, want a bad-id error", bad, err)
		}
	}
	if _, err := j.Append(nil); err == nil {
		t.Error("Append accepted a nil event")
	}
	if ids, err := j.Append(); err != nil || ids != nil {
		t.Errorf("Append() = %v, %v", ids, err)
	}
}

func TestPrune(t *testing.T) {
	db, _ := openDB(t, "")
	j := New(db)
	if _, err := j.Append(loadEvents(t)...); err != nil {
		t.Fatal(err)
	}
	n, err := j.Prune(ts(t, "2026-11-22T10:15:03.123456Z"))
	if err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2", n, err)
	}
	if got := len(collect(t, j, "", "")); got != 4 {
		t.Fatalf("%d events left, want 4", got)
	}
	if n, err := j.Prune(ts(t, "2026-11-22T10:15:03.123456Z")); err != nil || n != 0 {
		t.Fatalf("second Prune = %d, %v; want 0", n, err)
	}
}

// TestSequenceAcrossReopen appends events with one time before and after a
// reopen: ids never repeat and keep append order.
func TestSequenceAcrossReopen(t *testing.T) {
	db, dir := openDB(t, "")
	at := ts(t, "2026-11-22T10:15:00Z")
	ev := func(reason string) drivers.Event {
		return &drivers.Link{Head: drivers.Head{Time: at, Device: "printer"}, Reason: reason}
	}
	first, err := New(db).Append(ev("a"), ev("b"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, _ = openDB(t, dir)
	j := New(db)
	second, err := j.Append(ev("c"))
	if err != nil {
		t.Fatal(err)
	}
	if !(first[0] < first[1] && first[1] < second[0]) {
		t.Fatalf("ids out of order: %v then %v", first, second)
	}
	var reasons []string
	if err := j.Range(at, at.Add(1), func(id string, e drivers.Event) error {
		reasons = append(reasons, e.(*drivers.Link).Reason)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(reasons, ""); got != "abc" {
		t.Fatalf("order after reopen = %q, want abc", got)
	}
}

// TestAppendConcurrent appends from 8 goroutines, reopens and checks every
// event is in the journal exactly once.
func TestAppendConcurrent(t *testing.T) {
	const workers, per = 8, 50
	db, dir := openDB(t, "")
	j := New(db)
	base := ts(t, "2026-11-22T10:00:00Z")
	var wg sync.WaitGroup
	var mu sync.Mutex
	all := map[string]string{}
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				reason := fmt.Sprintf("w%d-%d", w, i)
				ev := &drivers.Link{Head: drivers.Head{Time: base.Add(time.Duration(i) * time.Second)}, Reason: reason}
				ids, err := j.Append(ev)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if _, dup := all[ids[0]]; dup {
					errs <- fmt.Errorf("id %s handed out twice", ids[0])
				}
				all[ids[0]] = reason
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, _ = openDB(t, dir)
	seen := 0
	last := time.Time{}
	err := New(db).Range(time.Time{}, time.Time{}, func(id string, ev drivers.Event) error {
		if all[id] != ev.(*drivers.Link).Reason {
			return fmt.Errorf("id %s holds %q, want %q", id, ev.(*drivers.Link).Reason, all[id])
		}
		if ev.When().Before(last) {
			return fmt.Errorf("Range went back in time at %s", id)
		}
		last = ev.When()
		seen++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != workers*per {
		t.Fatalf("%d events after reopen, want %d", seen, workers*per)
	}
}

func TestTimeKeyClamp(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "0000000000000000"},
		{time.Unix(-1, 0), "0000000000000000"},
		{time.Unix(0, 1), "0000000000000001"},
		{time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), "7fffffffffffffff"},
	}
	for _, tt := range tests {
		if got := fmt.Sprintf("%x", timeKey(tt.t)); got != tt.want {
			t.Errorf("timeKey(%v) = %s, want %s", tt.t, got, tt.want)
		}
	}
}

func TestLast(t *testing.T) {
	db, _ := openDB(t, "")
	j := New(db)
	if _, err := j.Last(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Last of an empty journal: %v, want ErrNotFound", err)
	}
	newest := ts(t, "2026-11-22T10:15:05Z")
	if _, err := j.Append(
		&drivers.Link{Head: drivers.Head{Time: ts(t, "2026-11-22T10:15:03Z"), Device: "p"}, Up: true},
		&drivers.Link{Head: drivers.Head{Time: newest, Device: "p"}},
		&drivers.Link{Head: drivers.Head{Time: ts(t, "2026-11-22T10:15:04Z"), Device: "t"}, Up: true},
	); err != nil {
		t.Fatal(err)
	}
	got, err := j.Last()
	if err != nil || !got.Equal(newest) {
		t.Fatalf("Last = %v, %v; want %v", got, err, newest)
	}
}
