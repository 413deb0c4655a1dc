package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msg = format
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "x.golden")
	r := &recorder{TB: t}
	Check(r, path, []byte("a\n"))
	if !r.failed {
		t.Error("a missing file passed")
	}
	*update = true
	r = &recorder{TB: t}
	Check(r, path, []byte("a\nb\n"))
	*update = false
	if r.failed {
		t.Errorf("-update failed: %s", r.msg)
	}
	if b, _ := os.ReadFile(path); string(b) != "a\nb\n" {
		t.Errorf("-update wrote %q", b)
	}
	r = &recorder{TB: t}
	CheckString(r, path, "a\nb\n")
	if r.failed {
		t.Error("equal content failed")
	}
	r = &recorder{TB: t}
	Check(r, path, []byte("a\nc\n"))
	if !r.failed {
		t.Error("different content passed")
	}
}

func TestDiff(t *testing.T) {
	d := Diff([]byte("a\nb\nc"), []byte("a\nB\nc\nd"))
	for _, want := range []string{"line 2 -b", "line 2 +B", "line 4 +d", "(want 3 lines, got 4)"} {
		if !strings.Contains(d, want) {
			t.Errorf("diff %q lacks %q", d, want)
		}
	}
	if strings.Contains(d, "line 1") || strings.Contains(d, "line 3") {
		t.Errorf("diff %q shows equal lines", d)
	}
	long := strings.Repeat("x", 1000)
	d = Diff([]byte(long+"want"+long), []byte(long+"got"+long))
	if !strings.Contains(d, "xwant") || !strings.Contains(d, "xgot") || len(d) > 700 {
		t.Errorf("long-line diff does not show the difference briefly: %q", d)
	}
}
