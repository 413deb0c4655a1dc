package apiguard

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestToken: created once with mode 0600, the same on every start, read
// back by the CLI; a loose file is tightened, a truncated one refused.
func TestToken(t *testing.T) {
	dir := t.TempDir()
	if _, err := Read(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("no token yet: %v", err)
	}
	tok, err := LoadOrCreate(dir)
	if err != nil || len(tok) != 2*tokenBytes {
		t.Fatalf("create: %q %v", tok, err)
	}
	path := filepath.Join(dir, TokenFile)
	if fi, err := os.Stat(path); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi.Mode(), err)
	}
	again, err := LoadOrCreate(dir)
	if err != nil || again != tok {
		t.Fatalf("second start: %q %v, want the same token", again, err)
	}
	if got, err := Read(dir); err != nil || got != tok {
		t.Fatalf("read: %q %v", got, err)
	}
	if runtime.GOOS != "windows" {
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreate(dir); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Fatalf("loose token file left %v", fi.Mode())
		}
	}
	if err := os.WriteFile(path, []byte("abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(dir); err == nil || !strings.Contains(err.Error(), "too short") {
		t.Fatalf("truncated token: %v", err)
	}
}
