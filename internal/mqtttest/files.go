package mqtttest

import (
	"os"
	"path/filepath"
	"testing"
)

// ReadableCopy copies a file the broker must read after it started (an
// acl_file, a password_file, a certificate) into a fresh directory that any
// user may enter, readable by all, and returns the copy's path. Run as
// root, mosquitto switches to the mosquitto user before it opens such
// files, and that user cannot enter a clone in root's home directory nor
// the 0700 directories of t.TempDir. The directory is removed when the
// test ends.
func ReadableCopy(t testing.TB, src string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatalf("mqtttest: %v", err)
	}
	dir, err := os.MkdirTemp("", "mqtttest-")
	if err != nil {
		t.Fatalf("mqtttest: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	// MkdirTemp makes the directory 0700; the broker's user must enter it.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("mqtttest: %v", err)
	}
	dst := filepath.Join(dir, filepath.Base(src))
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatalf("mqtttest: %v", err)
	}
	// WriteFile's mode passes through the umask.
	if err := os.Chmod(dst, 0o644); err != nil {
		t.Fatalf("mqtttest: %v", err)
	}
	return dst
}
