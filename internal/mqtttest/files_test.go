package mqtttest

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReadableCopyACL: an ACL file in a directory only root may enter (as
// a clone in /root is) still reaches mosquitto through ReadableCopy. Run as
// root, mosquitto drops to the mosquitto user before it opens the file; as
// another user it does not switch, and the test passes either way.
func TestReadableCopyACL(t *testing.T) {
	private := t.TempDir() // 0700, like /root
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	acl := filepath.Join(private, "test.acl")
	if err := os.WriteFile(acl, []byte("user lane\ntopic readwrite tillwatch/#\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	StartMosquittoConf(t, "acl_file "+ReadableCopy(t, acl)+"\n")
}
