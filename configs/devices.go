package configs

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/drivers/receipt"
	"github.com/tillwatch/tillwatch/drivers/template"
)

// IsProfilePath reports whether a receipt_profile value names a YAML file
// (it contains a path separator or ends in .yaml/.yml) rather than a
// builtin profile.
func IsProfilePath(profile string) bool {
	return strings.ContainsAny(profile, `/\`) || strings.HasSuffix(profile, ".yaml") || strings.HasSuffix(profile, ".yml")
}

// escposOnly and zvtOnly are the device keys that belong to one protocol.
var (
	escposOnly = []string{"receipt_profile", "printer", "code_page", "chinese_default", "dots_per_inch", "glyphs", "ocr"}
	zvtOnly    = []string{"framing", "charset"}
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
	d.slipPrinters(devs)
	d.printerCurrency(devs)
}

// printerCurrency gives a printer whose currency the file leaves out the
// currency of the lane's terminal: the receipts and the payments of one
// lane are in one currency (a Transbank lane's receipts are in pesos, not
// the printer default EUR).
func (d *decoder) printerCurrency(devs []Device) {
	lane := ""
	for _, dev := range devs {
		if dev.Role == RoleTerminal && dev.Currency != "" {
			lane = dev.Currency
			break
		}
	}
	for i := range devs {
		if devs[i].Role == RolePrinter && lane != "" && !d.set(fmt.Sprintf("devices[%d].currency", i)) {
			devs[i].Currency = lane
		}
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
		dev.Currency = DefaultCurrency(dev.Protocol)
	}
	if dev.Currency != "" && !currency.MatchString(dev.Currency) {
		d.fail(p+".currency", "%q is not an ISO 4217 alpha code (3 upper-case letters, e.g. EUR, CNY)", dev.Currency)
	}
	if dev.Protocol == "template" {
		d.validateTemplate(p+".template", &dev.Template, dir)
	} else {
		d.only(p, dev.Protocol, templateOnly, "template")
	}
	if dev.Protocol == "escpos" {
		d.only(p, dev.Protocol, zvtOnly, "zvt")
		if dev.ReceiptProfile == "" {
			dev.ReceiptProfile = "generic"
		}
		if dev.Glyphs != "" {
			d.existing(p+".glyphs", &dev.Glyphs, dir)
			if _, err := os.Stat(dev.Glyphs); err == nil {
				if _, err := glyphs.Open(dev.Glyphs); err != nil {
					d.fail(p+".glyphs", "%v", err)
				}
			}
		}
		switch {
		case dev.OCR == "" && dev.Glyphs != "":
			dev.OCR = "auto"
		case dev.OCR != "":
			d.enum(p+".ocr", dev.OCR, []string{"auto", "tesseract", "none"})
		}
		if IsProfilePath(dev.ReceiptProfile) {
			d.existing(p+".receipt_profile", &dev.ReceiptProfile, dir)
		} else {
			d.enum(p+".receipt_profile", dev.ReceiptProfile, receipt.BuiltinNames())
		}
		printers := slices.Sorted(maps.Keys(escpos.BuiltinPrinters()))
		if dev.Printer != "" {
			d.enum(p+".printer", dev.Printer, printers)
		}
		if dev.CodePage == "" && dev.Printer == "" {
			dev.CodePage = "cp437" // a printer profile brings its own power-on table
		}
		d.dotsPerInch(p, dev)
		switch strings.ToLower(dev.CodePage) {
		case "":
		case "gbk", "gb2312", "gb18030", "big5", "shift-jis", "sjis", "euc-kr":
			d.fail(p+".code_page", "%q is a double-byte set, not a code table: set printer (e.g. epson with chinese_default: true for GBK, epson-big5, epson-japan, epson-korea)", dev.CodePage)
		default:
			d.enum(p+".code_page", dev.CodePage, slices.Sorted(slices.Values(escpos.CodePages())))
		}
		d.slipProfile(p, dev, "none", dir)
		return
	}
	d.only(p, dev.Protocol, escposOnly, "escpos")
	if dev.Protocol == "zvt" {
		if dev.Framing == "" {
			dev.Framing = "auto"
		}
		d.enum(p+".framing", dev.Framing, framings)
		if dev.Charset == "" {
			dev.Charset = "auto"
		}
		d.enum(p+".charset", dev.Charset, charsets)
		d.slipProfile(p, dev, "de-en", dir)
	} else {
		if d.set(p + ".slip_profile") {
			d.fail(p+".slip_profile", "only for protocols escpos and zvt, not %s", dev.Protocol)
		}
		d.only(p, dev.Protocol, zvtOnly, "zvt")
	}
}

// dotsPerInch checks a printer's dots_per_inch with the decoder's own
// rule (escpos.Printer.Validate).
func (d *decoder) dotsPerInch(p string, dev *Device) {
	if !d.set(p + ".dots_per_inch") {
		return
	}
	if dev.DotsPerInch <= 0 {
		d.fail(p+".dots_per_inch", "%d: want the print head's dots per inch, e.g. 180 (Epson TM-T88, TM-U, Star) or 203 (most thermal printers); leave it out for the printer profile's", dev.DotsPerInch)
		return
	}
	pr, err := escpos.PrinterByName(dev.Printer)
	if err != nil {
		return // printer reports it
	}
	pr.DotsPerInch = dev.DotsPerInch
	if err := pr.Validate(); err != nil {
		d.fail(p+".dots_per_inch", "%v", err)
	}
}

// charsets are the zvt slip text character sets.
var charsets = []string{"auto", "cp437", "latin1"}

// slipProfile checks a device's slip_profile: a builtin name, none, or an
// existing YAML file.
func (d *decoder) slipProfile(p string, dev *Device, def, dir string) {
	switch {
	case dev.SlipProfile == "":
		dev.SlipProfile = def
	case IsProfilePath(dev.SlipProfile):
		d.existing(p+".slip_profile", &dev.SlipProfile, dir)
	case !slices.Contains([]string{"none", "unionpay", "de-en"}, dev.SlipProfile):
		d.fail(p+".slip_profile", "%q is neither none, a builtin slip profile (unionpay, de-en) nor a .yaml path", dev.SlipProfile)
	}
}

// slipPrinters reports printers that read slips into payments on a lane
// that also taps a terminal: each payment would count twice.
func (d *decoder) slipPrinters(devs []Device) {
	term := ""
	for i, dev := range devs {
		if dev.Role == RoleTerminal {
			term = fmt.Sprintf("devices[%d] (%s)", i, dev.Name)
			break
		}
	}
	if term == "" {
		return
	}
	for i, dev := range devs {
		if dev.Protocol == "escpos" && dev.SlipProfile != "" && dev.SlipProfile != "none" {
			d.fail(fmt.Sprintf("devices[%d].slip_profile", i), "%q makes payments from printed card slips, but the lane taps the terminal %s: every payment would count twice (use slip_profile only on a lane whose terminal has no link)", dev.SlipProfile, term)
		}
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
	if l.Type == "" {
		l.Type = TypeSerial
	}
	d.enum(p+".type", l.Type, linkTypes)
	switch l.Type {
	case TypeSerial:
		d.validateSerialLink(p, l, ports)
	case TypeTCP:
		d.bridgeOnly(p, l)
		d.notFor(p, l.Type, serialKeys, "serial")
		d.notFor(p, l.Type, []string{"host_port", "device_port"}, "serial, usblp and usbgadget")
		if d.required(p+".listen", l.Listen, "the host:port the register prints to, e.g. 0.0.0.0:9100") {
			d.address(p+".listen", l.Listen, false, ports)
		}
		if d.required(p+".connect", l.Connect, "the device's host:port, e.g. 192.168.1.50:9100") {
			d.address(p+".connect", l.Connect, true, ports)
		}
	case TypeUSBLP:
		d.bridgeOnly(p, l)
		d.notFor(p, l.Type, serialKeys, "serial")
		d.notFor(p, l.Type, []string{"connect"}, "tcp")
		if d.required(p+".device_port", l.DevicePort, "the printer device file, e.g. /dev/usb/lp0") {
			d.port(p+".device_port", l.DevicePort, ports)
		}
		switch {
		case l.HostPort == "" && l.Listen == "":
			d.fail(p+".host_port", "required (or listen): where the register's virtual port appears, e.g. /run/tillwatch/printer")
		case l.HostPort != "" && l.Listen != "":
			d.fail(p+".listen", "give host_port (a virtual serial port) or listen (TCP), not both")
		case l.Listen != "":
			d.address(p+".listen", l.Listen, false, ports)
		case !filepath.IsAbs(l.HostPort):
			d.fail(p+".host_port", "%q: must be an absolute path (the agent creates a symlink there, e.g. /run/tillwatch/printer)", l.HostPort)
		case filepath.Clean(l.HostPort) == filepath.Clean(l.DevicePort):
			d.fail(p+".host_port", "same path as device_port")
		default:
			d.port(p+".host_port", l.HostPort, ports)
		}
	case TypeUSBGadget:
		d.bridgeOnly(p, l)
		d.notFor(p, l.Type, serialKeys, "serial")
		d.notFor(p, l.Type, []string{"listen", "connect"}, "tcp, usblp and spooler")
		if d.required(p+".device_port", l.DevicePort, "the real printer's device file on the board's USB host port, e.g. /dev/usb/lp0") {
			d.port(p+".device_port", l.DevicePort, ports)
		}
		if l.HostPort == "" {
			l.HostPort = DefaultGadget
		}
		if filepath.Clean(l.HostPort) == filepath.Clean(l.DevicePort) {
			d.fail(p+".host_port", "same path as device_port")
		} else {
			d.port(p+".host_port", l.HostPort, ports)
		}
	case TypeSpooler:
		d.bridgeOnly(p, l)
		d.notFor(p, l.Type, serialKeys, "serial")
		d.notFor(p, l.Type, []string{"host_port"}, "serial, usblp and usbgadget")
		d.notFor(p, l.Type, []string{"connect"}, "tcp")
		if d.required(p+".listen", l.Listen, "the host:port the register's queue prints to, e.g. 127.0.0.1:9100") {
			d.address(p+".listen", l.Listen, false, ports)
		}
		if d.required(p+".device_port", l.DevicePort, `the print queue tillwatch writes to, on the printer's USB port, e.g. "tillwatch raw"`) {
			d.port(p+".device_port", l.DevicePort, ports)
		}
	}
}

// serialKeys are the link keys that only serial links use.
var serialKeys = []string{"backend", "baud", "data_bits", "parity", "stop_bits"}

// notFor reports keys of link p that a link of type typ does not use.
func (d *decoder) notFor(p, typ string, keys []string, owner string) {
	for _, k := range keys {
		if d.set(p + "." + k) {
			d.fail(p+"."+k, "only for type %s links, not %s", owner, typ)
		}
	}
}

// bridgeOnly checks and sets the mode of a link that is always a bridge.
func (d *decoder) bridgeOnly(p string, l *Link) {
	if d.set(p+".mode") && l.Mode != ModeBridge {
		d.fail(p+".mode", "%q: a %s link is always a bridge (leave mode out)", l.Mode, l.Type)
	}
	l.Mode = ModeBridge
}

// address checks a host:port; a dial address needs a host. Two devices
// may not listen on the same port, nor dial the same address.
func (d *decoder) address(path, v string, dial bool, ports map[string]string) {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		d.fail(path, "%q is not host:port (e.g. 192.168.1.50:9100)", v)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		d.fail(path, "%q: port must be a number 1..65535", v)
		return
	}
	key, what := "listen :"+port, "port "+port
	if dial {
		if host == "" {
			d.fail(path, "%q has no host", v)
			return
		}
		key, what = "connect "+v, "address"
	}
	if first, dup := ports[key]; dup {
		d.fail(path, "%q: %s is already used by %s", v, what, first)
		return
	}
	ports[key] = path
}

func (d *decoder) validateSerialLink(p string, l *Link, ports map[string]string) {
	d.notFor(p, l.Type, []string{"listen", "connect"}, "tcp, usblp and spooler")
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

// templateOnly are the keys of protocol template.
var templateOnly = []string{"template"}

// validateTemplate checks a terminal template: a shipped name or a YAML
// file, loaded here so its errors (file, line, field) stop the agent at
// config time.
func (d *decoder) validateTemplate(path string, v *string, dir string) {
	names := strings.Join(template.Builtins(), ", ")
	if !d.required(path, *v, "a shipped template ("+names+") or the path of a YAML template") {
		return
	}
	var err error
	if IsProfilePath(*v) {
		written := *v
		d.existing(path, v, dir)
		var b []byte
		if b, err = os.ReadFile(*v); err == nil {
			_, err = template.Parse(written, b) // errors name the file as written
		}
	} else if !slices.Contains(template.Builtins(), *v) {
		d.fail(path, "%q is neither a shipped template (%s) nor a .yaml path", *v, names)
		return
	} else {
		_, err = template.Load(*v)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		d.fail(path, "%v", err)
	}
}
