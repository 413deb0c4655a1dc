package main

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tillwatch/tillwatch/configs"
)

// configText is the config setup writes: the answers and suggestions with
// a comment on every key, and what setup heard.
func configText(c *setupCmd, devs []configs.Device, notes []string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# tillwatch lane config, written by `tillwatch setup` at %s.", time.Now().Format("2006-01-02 15:04 MST"))
	w("# Every key with its default: schema.md; a fully commented example: example.yaml")
	w("# (both in /usr/share/doc/tillwatch/ or the release archive). Check it: tillwatch doctor -c FILE")
	if len(notes) > 0 {
		w("#")
		w("# What setup found:")
		for _, n := range notes {
			w("#   - %s", n)
		}
	}
	w("")
	w("# Store and lane names: letters, digits, _ and -. They name the MQTT topics")
	w("# (tillwatch/v1/{site}/{lane}/alert/{kind}).")
	w("site: %s", q(c.Site))
	w("lane: %s", q(c.Lane))
	w("# The electronic journal and the alert outbox; must survive reboots.")
	w("data_dir: %s", q(c.DataDir))
	w("")
	w("mqtt:")
	w("  # tcp://host:1883 (plain) or ssl://host:8883 (TLS).")
	w("  broker: %s", q(c.Broker))
	w("  # A user of its own per lane; the password never goes in this file:")
	w("  # password_file (first line) or the TILLWATCH_MQTT_PASSWORD environment variable.")
	w("  # username: %s.%s", c.Lane, c.Site)
	w("  # password_file: /etc/tillwatch/mqtt-password")
	w("")
	w("devices:")
	for _, d := range devs {
		w("  - name: %s", d.Name)
		w("    role: %s", d.Role)
		w("    protocol: %s", d.Protocol)
		if d.Role == configs.RolePrinter {
			if d.Printer == "" {
				d.Printer = "epson"
			}
			w("    # The printer model's profile (tillwatch profile list): code tables, double-byte set.")
			w("    printer: %s", d.Printer)
			w("    # true: the printer powers up in Chinese (GBK) mode; raw GBK arrives without FS &.")
			w("    chinese_default: %v", d.ChineseDefault)
			w("    # Which printed labels are the receipt number, total, tenders and change;")
			w("    # tillwatch profile test PROFILE RECEIPT shows what it finds.")
			w("    receipt_profile: %s", d.ReceiptProfile)
		}
		if d.Protocol == "template" {
			w("    template: %s", d.Template)
		}
		w("    # Currency of the amounts (ISO 4217).")
		w("    currency: %s", d.Currency)
		writeLink(w, d.Link)
	}
	return b.String()
}

// writeLink writes a device's link keys with what each means.
func writeLink(w func(string, ...any), l configs.Link) {
	w("    link:")
	switch l.Type {
	case configs.TypeTCP:
		w("      # The register prints (or pays) to this machine's listen port; the agent")
		w("      # forwards every byte to the device at connect and its answers back.")
		w("      type: tcp")
		w("      listen: %s", q(l.Listen))
		w("      connect: %s", q(l.Connect))
	case configs.TypeSpooler:
		w("      # Windows: the register's queue prints to listen (tillwatch service install")
		w("      # --register-queue NAME sets that up); the agent prints on through the RAW")
		w("      # queue device_port on the printer's USB port.")
		w("      type: spooler")
		w("      listen: %s", q(l.Listen))
		w("      device_port: %s", q(l.DevicePort))
	case configs.TypeUSBGadget:
		w("      # A Pi inline on USB: the register prints to the printer gadget (host_port),")
		w("      # the agent forwards to the real printer (device_port). docs/wiring.md.")
		w("      type: usbgadget")
		w("      host_port: %s", q(l.HostPort))
		w("      device_port: %s", q(l.DevicePort))
	case configs.TypeUSBLP:
		w("      # The agent owns the USB printer (device_port) and gives the register a")
		w("      # virtual serial port at host_port.")
		w("      type: usblp")
		w("      host_port: %s", q(l.HostPort))
		w("      device_port: %s", q(l.DevicePort))
	default:
		w("      # A tap through a Y-cable: host_port carries what the register sends,")
		w("      # device_port (optional) what the device answers. Use /dev/serial/by-id names.")
		w("      type: serial")
		w("      mode: tap")
		w("      host_port: %s", q(l.HostPort))
		if l.DevicePort != "" {
			w("      device_port: %s", q(l.DevicePort))
		}
		w("      # Must match the device's setting.")
		w("      baud: %d", l.Baud)
	}
}

// q is v as one YAML scalar.
func q(v string) string {
	b, err := yaml.Marshal(v)
	if err != nil {
		return strconv.Quote(v)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// writeConfig writes the config atomically, readable by its owner and, on
// Linux when root writes it, by the tillwatch group (the service's).
func writeConfig(path string, text []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tillwatch-setup-*")
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(text); err != nil {
		tmp.Close()
		return fmt.Errorf("setup: write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("setup: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("setup: write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	if runtime.GOOS == "linux" && os.Geteuid() == 0 {
		if g, err := user.LookupGroup("tillwatch"); err == nil {
			if gid, err := strconv.Atoi(g.Gid); err == nil {
				_ = os.Chown(tmp.Name(), 0, gid) // best effort: the service reads it through the group
			}
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	return nil
}
