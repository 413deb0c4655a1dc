package journal

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestBegan: the first Begin sticks across restarts and reopening, pruning
// does not move it, a journal older than the record began with its oldest
// event, and a journal no agent ran on says nothing (zero).
func TestBegan(t *testing.T) {
	db, dir := openDB(t, "")
	j := New(db)
	if b, err := j.Began(); err != nil || !b.IsZero() {
		t.Fatalf("never begun: %v %v", b, err)
	}
	day := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	if _, err := j.Append(&drivers.Link{Head: drivers.Head{Time: day.Add(-48 * time.Hour), Device: "printer"}, Up: true},
		&drivers.Link{Head: drivers.Head{Time: day.Add(time.Hour), Device: "printer"}, Up: true}); err != nil {
		t.Fatal(err)
	}
	if err := j.Begin(day); err != nil { // kept before Begin existed: began with its oldest event
		t.Fatal(err)
	}
	if err := j.Begin(day.Add(24 * time.Hour)); err != nil { // a restart
		t.Fatal(err)
	}
	if _, err := j.Prune(day); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, _ = openDB(t, dir)
	if b, err := New(db).Began(); err != nil || !b.Equal(day.Add(-48*time.Hour)) {
		t.Fatalf("began %v %v, want the oldest event's time", b, err)
	}
}
