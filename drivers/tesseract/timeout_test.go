package tesseract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// TestTimeoutBoundsTheRun: a run past Timeout ends with the image unread
// even when the killed program left a child holding its output open (a
// wrapper script, a hung helper): the agent's recognition worker counts on
// a stuck call ending (agent/recog.Worker.Run), and Wait waited for the
// child's end (found in review: no WaitDelay).
func TestTimeoutBoundsTheRun(t *testing.T) {
	script := filepath.Join(t.TempDir(), "tesseract")
	// The child keeps stdout and stderr open for 20 s after its parent is killed.
	if err := os.WriteFile(script, []byte("#!/bin/sh\nsleep 20 &\nexec sleep 20\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	b := raster.New()
	for i := range 8 {
		b.Set(i, i)
	}
	tess := &Tesseract{Path: script, Langs: "eng", version: "tesseract 5.3.0", Timeout: 100 * time.Millisecond}
	done := make(chan raster.Result, 1)
	go func() { done <- tess.Recognize(b) }()
	select {
	case res := <-done:
		if !res.Unread || !strings.Contains(res.Engine, "(failed: ") {
			t.Fatalf("timed-out run: %+v; want unread, the failure named", res)
		}
	case <-time.After(15 * time.Second): // the child's 20 s, not the run's bound
		t.Fatal("Recognize did not return after its timeout: the killed program's child held its output")
	}
}
