package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/crashtest"
)

// TestCrashChild is the child half of TestCrashKill9: it appends until it
// is killed, printing "<id> <reason>" for every acknowledged event.
func TestCrashChild(t *testing.T) {
	dir := crashtest.ChildDir(t)
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	j := New(db)
	var ack crashtest.Acker
	deadline := time.Now().Add(crashtest.ChildLife)
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) // one time: order rests on the sequence
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				a := &drivers.Link{Head: drivers.Head{Time: at}, Reason: fmt.Sprintf("w%d-%d-a", w, i)}
				b := &drivers.Link{Head: drivers.Head{Time: at}, Reason: fmt.Sprintf("w%d-%d-b", w, i)}
				ids, err := j.Append(a, b)
				if err != nil {
					ack.Printf("error %v", err)
					return
				}
				ack.Printf("%s %s\n%s %s", ids[0], a.Reason, ids[1], b.Reason)
			}
		}()
	}
	wg.Wait()
	os.Exit(4)
}

// TestCrashKill9 kills an appending child process with SIGKILL, reopens
// the journal and checks that every acknowledged event is there under its
// id, and that appends after the crash get new, later ids.
func TestCrashKill9(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	acked := map[string]string{}
	crashtest.Run(t, "TestCrashChild", dir, func(line string) bool {
		id, reason, _ := strings.Cut(line, " ")
		if id == "error" {
			t.Errorf("child: %s", reason)
			return false
		}
		acked[id] = reason
		return len(acked) == 400
	})
	db, _ := openDB(t, dir)
	j := New(db)
	maxID := ""
	for id, reason := range acked {
		ev, err := j.Get(id)
		if err != nil {
			t.Fatalf("acknowledged event %s (%s) lost: %v", id, reason, err)
		}
		if got := ev.(*drivers.Link).Reason; got != reason {
			t.Fatalf("event %s holds %q, want %q", id, got, reason)
		}
		maxID = max(maxID, id)
	}
	ids, err := j.Append(&drivers.Link{Head: drivers.Head{Time: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	if ids[0] <= maxID {
		t.Fatalf("id after crash %s not above %s", ids[0], maxID)
	}
	t.Logf("child killed after %d acknowledged events", len(acked))
}
