package buffer

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestQueueDelivered settles the head of a queue by watermark: only the
// run of oldest entries all delivered is settled, the rest waits behind
// the one still in flight; settled entries are gone for every reader and
// their ids are remembered, before and after Sweep and a reopen.
func TestQueueDelivered(t *testing.T) {
	opts, clock := clockedOptions()
	t0 := clock.t
	db, dir := openTest(t, "", opts)
	q := db.Queue("outbox")
	q.SetLimits(Limits{MaxBytes: 100 * 100})
	names := []string{"c1", "i1", "w1", "c2", "i2", "w2", "c3", "i3"}
	for _, id := range names {
		if _, err := q.Put(id, classOf(id), entry100); err != nil {
			t.Fatal(err)
		}
	}
	items, err := q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	// c1 i1 w1 acked, c2 in flight, i2 acked: the watermark stops at w1.
	mark, err := q.Delivered([]Item{items[0], items[1], items[2], items[4]})
	if err != nil || mark != items[2].Seq {
		t.Fatalf("Delivered = %d, %v; want %d", mark, err, items[2].Seq)
	}
	if got, want := ids(t, q), names[3:]; !slices.Equal(got, want) {
		t.Fatalf("pending %v, want %v", got, want)
	}
	if st := checkConsistent(t, q); st.Depth != 5 {
		t.Fatalf("depth %d, want 5", st.Depth)
	}
	// A different entry at a delivered Seq stops the watermark too.
	wrong := items[3]
	wrong.ID = "other"
	if mark, err := q.Delivered([]Item{wrong, items[4]}); err != nil || mark != items[2].Seq {
		t.Fatalf("Delivered of a wrong id = %d, %v; want %d", mark, err, items[2].Seq)
	}
	// c2 acked now: c2 and i2 settle together.
	if mark, err := q.Delivered([]Item{items[3], items[4]}); err != nil || mark != items[4].Seq {
		t.Fatalf("Delivered = %d, %v; want %d", mark, err, items[4].Seq)
	}
	for _, id := range names[:5] {
		if stored, err := q.Put(id, classOf(id), entry100); stored || err != nil {
			t.Fatalf("settled %s stored again: %v, %v", id, stored, err)
		}
	}
	// A Done of a settled entry is counted once.
	if err := q.Done("i1"); err != nil {
		t.Fatal(err)
	}
	checkConsistent(t, q)

	db = reopen(t, db, dir, opts)
	q = db.Queue("outbox")
	q.SetLimits(Limits{MaxBytes: 100 * 100})
	if st := checkConsistent(t, q); st.Depth != 3 {
		t.Fatalf("depth %d after reopen, want 3", st.Depth)
	}
	if n, err := q.Sweep(100); n != 4 || err != nil { // i1 went with its Done
		t.Fatalf("Sweep = %d, %v; want 4", n, err)
	}
	if n, err := q.Sweep(100); n != 0 || err != nil {
		t.Fatalf("second Sweep = %d, %v; want 0", n, err)
	}
	if got, want := ids(t, q), names[5:]; !slices.Equal(got, want) {
		t.Fatalf("pending after sweep %v, want %v", got, want)
	}
	checkConsistent(t, q)
	if stored, err := q.Put("c2", ClassCritical, entry100); stored || err != nil {
		t.Fatalf("swept c2 stored again: %v, %v", stored, err)
	}
	clock.t = t0.Add(opts.DeliveredTTL + time.Minute)
	if stored, err := q.Put("c2", ClassCritical, entry100); !stored || err != nil {
		t.Fatalf("c2 not stored after its memory expired: %v, %v", stored, err)
	}
}

// TestQueueDeliveredShedExpire checks that entries settled by watermark
// and not swept yet are neither shed nor expired (nor counted as such).
func TestQueueDeliveredShedExpire(t *testing.T) {
	opts, clock := clockedOptions()
	t0 := clock.t
	db, _ := openTest(t, "", opts)
	q := db.Queue("outbox")
	q.SetLimits(Limits{MaxBytes: 3 * 100, MaxAge: time.Hour})
	for _, id := range []string{"i1", "i2", "i3"} {
		mustPutClass(t, q, id)
	}
	items, err := q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Delivered(items[:2]); err != nil {
		t.Fatal(err)
	}
	mustPutClass(t, q, "i4")
	mustPutClass(t, q, "i5") // room for two: nothing shed
	if st := checkConsistent(t, q); st.Shed.Total() != 0 || st.Depth != 3 {
		t.Fatalf("stats %+v", st)
	}
	mustPutClass(t, q, "w1") // sheds i3, the oldest pending
	if got := fmt.Sprint(ids(t, q)); got != "[i4 i5 w1]" {
		t.Fatalf("pending %s", got)
	}
	clock.t = t0.Add(2 * time.Hour)
	if n, err := q.Expire(); n != 3 || err != nil {
		t.Fatalf("Expire = %d, %v; want 3", n, err)
	}
	st := checkConsistent(t, q)
	if st.Shed.Info != 1 || st.Expired != 3 || st.Depth != 0 {
		t.Fatalf("stats %+v", st)
	}
	if n, err := q.Sweep(10); n != 2 || err != nil {
		t.Fatalf("Sweep = %d, %v; want 2", n, err)
	}
}

// TestQueueSweepMany sweeps more entries than fit in one transaction.
func TestQueueSweepMany(t *testing.T) {
	opts := DefaultOptions()
	opts.MemTableSize = 1 << 20
	db, _ := openTest(t, "", opts)
	q := db.Queue("outbox")
	for i := range 2500 {
		if _, err := q.Put(fmt.Sprintf("c%05d", i), ClassCritical, entry100); err != nil {
			t.Fatal(err)
		}
	}
	items, err := q.Pending(2000)
	if err != nil {
		t.Fatal(err)
	}
	if mark, err := q.Delivered(items); err != nil || mark != items[1999].Seq {
		t.Fatalf("Delivered = %d, %v", mark, err)
	}
	if n, err := q.Unswept(); n < 2000 || err != nil {
		t.Fatalf("Unswept = %d, %v; want 2000 or more", n, err)
	}
	if n, err := q.Sweep(1500); n != 1500 || err != nil {
		t.Fatalf("Sweep = %d, %v; want 1500", n, err)
	}
	if n, err := q.Sweep(10_000); n != 500 || err != nil {
		t.Fatalf("Sweep = %d, %v; want 500", n, err)
	}
	if n, err := q.Unswept(); n != 0 || err != nil {
		t.Fatalf("Unswept after sweeping = %d, %v", n, err)
	}
	if st := checkConsistent(t, q); st.Depth != 500 {
		t.Fatalf("depth %d", st.Depth)
	}
	if stored, err := q.Put("c01999", ClassCritical, entry100); stored || err != nil {
		t.Fatalf("a swept id was stored again: %v, %v", stored, err)
	}
}

func mustPutClass(t *testing.T, q *Queue, id string) {
	t.Helper()
	if _, err := q.Put(id, classOf(id), entry100); err != nil {
		t.Fatalf("Put(%s): %v", id, err)
	}
}

// TestQueuePendingAfter reads on from a Seq, and reading from the middle
// does not move the head past entries still pending before it.
func TestQueuePendingAfter(t *testing.T) {
	db, _ := openTest(t, "", DefaultOptions())
	q := db.Queue("outbox")
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		mustPut(t, q, id, true)
	}
	all, err := q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.PendingAfter(all[1].Seq, 2)
	if err != nil || len(got) != 2 || got[0].ID != "c" || got[1].ID != "d" {
		t.Fatalf("PendingAfter(%d, 2) = %v, %v", all[1].Seq, got, err)
	}
	if got, err := q.PendingAfter(all[4].Seq, 0); err != nil || len(got) != 0 {
		t.Fatalf("PendingAfter(last) = %v, %v", got, err)
	}
	if got := fmt.Sprint(pendingIDs(t, q, 0)); got != "[a b c d e]" {
		t.Fatalf("Pending after PendingAfter = %s", got)
	}
}
