package journal

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
)

const crashDirEnv = "TILLWATCH_JOURNAL_CRASH_DIR"

// TestCrashChild is the child half of TestCrashKill9: it appends until it
// is killed, printing "<id> <reason>" for every acknowledged event.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("child of TestCrashKill9 only")
	}
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	j := New(db)
	var mu sync.Mutex
	deadline := time.Now().Add(time.Minute)
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
				mu.Lock()
				if err != nil {
					fmt.Println("error", err)
				} else {
					fmt.Printf("%s %s\n%s %s\n", ids[0], a.Reason, ids[1], b.Reason)
				}
				mu.Unlock()
				if err != nil {
					return
				}
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
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := filepath.Join(t.TempDir(), "db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]string{}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		id, reason, _ := strings.Cut(sc.Text(), " ")
		if id == "error" {
			t.Errorf("child: %s", reason)
			continue
		}
		acked[id] = reason
		if len(acked) == 400 && !killed {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	werr := cmd.Wait()
	if !killed {
		t.Fatalf("child ended before it was killed: %v", werr)
	}
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
