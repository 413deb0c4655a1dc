package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSystemdUnit checks the shipped unit with systemd-analyze verify
// (skipped when systemd is not installed), with ExecStart pointed at an
// executable that exists here.
func TestSystemdUnit(t *testing.T) {
	unit, err := os.ReadFile("../../packaging/systemd/tillwatch.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, must := range []string{"User=tillwatch", "SupplementaryGroups=dialout lp", "ReadWritePaths=/var/lib/tillwatch", "ProtectSystem=strict", "NoNewPrivileges=yes", "Restart=always",
		"RestartPreventExitStatus=2", "ExecCondition=", "DeviceAllow=/dev/g_printer0 rw"} {
		if !strings.Contains(string(unit), must) {
			t.Errorf("unit lacks %q", must)
		}
	}
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed: unit syntax not verified")
	}
	bin, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no `true` binary")
	}
	text := strings.Replace(string(unit), "/usr/local/bin/tillwatch", bin, 1)
	path := filepath.Join(t.TempDir(), "tillwatch.service")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sa, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
