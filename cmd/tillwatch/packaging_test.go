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

// TestGadgetScript runs packaging/usbgadget/tillwatch-gadget against a fake
// sysfs (a printer on usblp with its USB ids and IEEE 1284 device ID, one USB
// device controller) and a plain directory standing in for configfs: the
// gadget carries the printer's identity and is bound to the controller; the
// identity is saved, and used again when the printer is switched off. No
// USB device controller exists here, so what the kernel makes of it is not
// tested (docs/wiring.md lists what only hardware confirms).
func TestGadgetScript(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed for packaging/usbgadget/tillwatch-gadget")
	}
	script, err := filepath.Abs("../../packaging/usbgadget/tillwatch-gadget")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sys, cfs, state := filepath.Join(dir, "sys"), filepath.Join(dir, "config"), filepath.Join(dir, "etc", "gadget.env")
	usb := filepath.Join(sys, "devices", "platform", "usb1", "1-1")
	intf := filepath.Join(usb, "1-1:1.0")
	pnp := "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;DES:TM-T20II;"
	files := map[string]string{
		"idVendor": "04b8\n", "idProduct": "0e15\n", "bcdDevice": "0100\n", "manufacturer": "EPSON\n",
		"product": "TM-T20II\n", "serial": "X5CF012345\n", "bmAttributes": "c0\n", "bMaxPower": "2mA\n",
		"1-1:1.0/ieee1284_id": pnp,
	}
	for name, text := range files {
		writeFile(t, filepath.Join(usb, name), text)
	}
	mkdir(t, filepath.Join(sys, "class", "udc", "fe980000.usb"))
	mkdir(t, filepath.Join(cfs, "usb_gadget"))
	lpLink := filepath.Join(sys, "class", "usbmisc", "lp0")
	mkdir(t, lpLink)
	if err := os.Symlink(intf, filepath.Join(lpLink, "device")); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bash, append([]string{script}, args...)...)
		cmd.Env = append(os.Environ(), "TILLWATCH_SYSFS="+sys, "TILLWATCH_CONFIGFS="+cfs, "TILLWATCH_GADGET_STATE="+state)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tillwatch-gadget %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	check := func() {
		t.Helper()
		g := filepath.Join(cfs, "usb_gadget", "tillwatch")
		for name, want := range map[string]string{
			"idVendor": "0x04b8", "idProduct": "0x0e15", "bcdDevice": "0x0100", "bcdUSB": "0x0200",
			"strings/0x409/manufacturer": "EPSON", "strings/0x409/product": "TM-T20II",
			"strings/0x409/serialnumber": "X5CF012345", "configs/c.1/bmAttributes": "0xc0",
			"configs/c.1/MaxPower": "2", "functions/printer.usb0/pnp_string": pnp,
			"functions/printer.usb0/q_len": "10", "UDC": "fe980000.usb",
		} {
			got, err := os.ReadFile(filepath.Join(g, name))
			if err != nil || string(got) != want {
				t.Errorf("%s = %q (%v), want %q", name, got, err, want)
			}
		}
		if target, err := os.Readlink(filepath.Join(g, "configs", "c.1", "printer.usb0")); err != nil || target != filepath.Join(g, "functions", "printer.usb0") {
			t.Errorf("config link -> %q (%v)", target, err)
		}
	}
	out := run("up", "--printer", "/dev/usb/lp0", "--wait", "0")
	if !strings.Contains(out, "printer 0x04b8:0x0e15 EPSON TM-T20II") {
		t.Errorf("up says:\n%s", out)
	}
	check()
	if saved, err := os.ReadFile(state); err != nil || !strings.Contains(string(saved), "ID_PID=0x0e15") {
		t.Fatalf("state %s: %q %v", state, saved, err)
	}

	// Switched off at the next boot: the saved identity is used.
	if err := os.RemoveAll(lpLink); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(cfs, "usb_gadget", "tillwatch")); err != nil {
		t.Fatal(err)
	}
	if out := run("up", "--wait", "0"); !strings.Contains(out, "using the identity saved") {
		t.Errorf("up without the printer says:\n%s", out)
	}
	check()
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	mkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
}
