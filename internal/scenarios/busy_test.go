package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/golden"
)

// busyCheckouts is the size of the busy clean shift of the corpus.
const busyCheckouts = 10000

// TestBusyCleanShift replays 10,000 ordinary checkouts (about four and a
// half days of a busy lane, with settlements) and wants no alert at all.
// The capture is not committed (about 30 MB): it is compiled from seed 1
// here, and its SHA-256 is golden so the generator stays deterministic.
func TestBusyCleanShift(t *testing.T) {
	if testing.Short() {
		t.Skip("the 10,000-checkout shift is not short")
	}
	b, err := BusyCapture(busyCheckouts)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	golden.Check(t, corpus+"/busy_clean_shift.sha256", []byte(hex.EncodeToString(sum[:])+"\n"))
	path := t.TempDir() + "/busy.capture.jsonl"
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, err := ReplayFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d checkouts, %d capture lines, %.1f MB, replayed in %v", busyCheckouts, strings.Count(string(b), "\n"), float64(len(b))/1e6, time.Since(start).Round(time.Millisecond))
	for i, a := range got {
		if i < 20 {
			t.Errorf("false alarm: %s %s: %s", a.Kind, a.State, a.Summary)
		}
	}
	if len(got) > 0 {
		t.Errorf("%d alerts from a clean shift, want none", len(got))
	}
}
