package configs

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// IsProfilePath reports whether a receipt_profile value names a YAML file
// (it contains a path separator or ends in .yaml/.yml) rather than a
// builtin profile.
func IsProfilePath(profile string) bool {
	return strings.ContainsAny(profile, `/\`) || strings.HasSuffix(profile, ".yaml") || strings.HasSuffix(profile, ".yml")
}

// escposOnly and zvtOnly are the device keys that belong to one protocol.
var (
	escposOnly = []string{"receipt_profile", "code_page", "chinese_default"}
	zvtOnly    = []string{"framing"}
)

func (d *decoder) validateDevices(devs []Device, dir string) {
	if len(devs) == 0 {
		d.fail("devices", "required: at least one device (a printer, a terminal or both)")
		return
	}
	names := map[string]string{}
	ports := map[string]string{}
	for i := range devs {
		p := fmt.Sprintf("devices[%d]", i)
		dev := &devs[i]
		if d.required(p+".name", dev.Name, "a short name like printer or terminal") {
			if !deviceName.MatchString(dev.Name) {
				d.fail(p+".name", "%q: lower-case letters, digits, '_' and '-' only", dev.Name)
			} else if first, dup := names[dev.Name]; dup {
				d.fail(p+".name", "duplicate device name %q (already used by %s)", dev.Name, first)
			} else {
				names[dev.Name] = p
			}
		}
		d.validateDevice(p, dev, dir)
		d.validateLink(p+".link", &dev.Link, ports)
	}
}

func (d *decoder) validateDevice(p string, dev *Device, dir string) {
	if !d.required(p+".role", dev.Role, strings.Join(roles, " or ")) {
		return
	}
	allowed, ok := protocols[dev.Role]
	if !ok {
		d.enum(p+".role", dev.Role, roles)
		return
	}
	if dev.Protocol == "" {
		dev.Protocol = allowed[0]
	}
	if !slices.Contains(allowed, dev.Protocol) {
		other := RolePrinter
		if dev.Role == RolePrinter {
			other = RoleTerminal
		}
		if slices.Contains(protocols[other], dev.Protocol) {
			d.fail(p+".protocol", "%q is a %s protocol but role is %q (a %s speaks %s)", dev.Protocol, other, dev.Role, dev.Role, strings.Join(allowed, " or "))
		} else {
			d.enum(p+".protocol", dev.Protocol, allowed)
		}
		return
	}
	if dev.Currency == "" {
		dev.Currency = "EUR"
	}
	if !currency.MatchString(dev.Currency) {
		d.fail(p+".currency", "%q is not an ISO 4217 alpha code (3 upper-case letters, e.g. EUR, CNY)", dev.Currency)
	}
	if dev.Protocol == "escpos" {
		d.only(p, dev.Protocol, zvtOnly, "zvt")
		if dev.ReceiptProfile == "" {
			dev.ReceiptProfile = "generic"
		}
		if IsProfilePath(dev.ReceiptProfile) {
			d.existing(p+".receipt_profile", &dev.ReceiptProfile, dir)
		} else if !deviceName.MatchString(dev.ReceiptProfile) {
			d.fail(p+".receipt_profile", "%q is neither a builtin profile name nor a .yaml path", dev.ReceiptProfile)
		}
		if dev.CodePage == "" {
			dev.CodePage = "cp437"
		}
		d.enum(p+".code_page", dev.CodePage, codePages)
		return
	}
	d.only(p, dev.Protocol, escposOnly, "escpos")
	if dev.Protocol == "zvt" {
		if dev.Framing == "" {
			dev.Framing = "auto"
		}
		d.enum(p+".framing", dev.Framing, framings)
	} else {
		d.only(p, dev.Protocol, zvtOnly, "zvt")
	}
}

// only reports keys of p that belong to another protocol.
func (d *decoder) only(p, protocol string, keys []string, owner string) {
	for _, k := range keys {
		if d.set(p + "." + k) {
			d.fail(p+"."+k, "only for protocol %s, not %s", owner, protocol)
		}
	}
}

func (d *decoder) validateLink(p string, l *Link, ports map[string]string) {
	d.enum(p+".mode", l.Mode, modes)
	if d.required(p+".host_port", l.HostPort, "the serial port, printer device or host:port the host side is on") {
		d.port(p+".host_port", l.HostPort, ports)
	}
	switch {
	case l.Mode == ModeBridge && l.DevicePort == "":
		d.fail(p+".device_port", "required in bridge mode (the port the device is on)")
	case l.DevicePort != "":
		if filepath.Clean(l.DevicePort) == filepath.Clean(l.HostPort) {
			d.fail(p+".device_port", "same port as host_port")
		} else {
			d.port(p+".device_port", l.DevicePort, ports)
		}
	}
	d.enum(p+".backend", l.Backend, backends)
	if l.Baud <= 0 {
		d.fail(p+".baud", "must be a positive integer (e.g. 9600, 115200), got %d", l.Baud)
	}
	if l.DataBits < 5 || l.DataBits > 8 {
		d.fail(p+".data_bits", "must be 5, 6, 7 or 8, got %d", l.DataBits)
	}
	d.enum(p+".parity", l.Parity, parities)
	if l.StopBits != 1 && l.StopBits != 2 {
		d.fail(p+".stop_bits", "must be 1 or 2, got %d", l.StopBits)
	}
}

// port reports a port already used by another device.
func (d *decoder) port(path, port string, ports map[string]string) {
	key := filepath.Clean(port)
	if first, dup := ports[key]; dup {
		d.fail(path, "%q is already used by %s", port, first)
		return
	}
	ports[key] = path
}
