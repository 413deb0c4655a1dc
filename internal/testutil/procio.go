package testutil

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// WriteBytes is what process pid ("self" for this one) sent to the
// storage layer so far: write_bytes of /proc/PID/io (Linux only).
func WriteBytes(t testing.TB, pid string) int64 {
	t.Helper()
	path := "/proc/" + pid + "/io"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "write_bytes:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				t.Fatal(fmt.Errorf("%s: write_bytes: %w", path, err))
			}
			return n
		}
	}
	t.Fatalf("%s: no write_bytes line", path)
	return 0
}
