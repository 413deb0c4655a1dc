package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/agent/sniff"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/link"
	"github.com/tillwatch/tillwatch/drivers/winspool"
)

// setupCmd is the first run on a lane: which port is which, a few seconds
// of traffic to suggest the settings, a commented config, doctor.
type setupCmd struct {
	Output         string        `short:"o" placeholder:"FILE" help:"Config file to write (default: /etc/tillwatch/tillwatch.yaml, on Windows C:\\ProgramData\\tillwatch\\tillwatch.yaml)."`
	Force          bool          `help:"Overwrite a config that holds more than comments."`
	Printer        string        `placeholder:"PORT" help:"The printer's line: a serial port (tap on the register's TX line), /dev/usb/lpN (a USB printer: through the printer gadget when there is one, else a virtual serial port), tcp:HOST:PORT (a network printer), queue:NAME (Windows: the register's printer queue) or none. Asked when not given."`
	PrinterDevice  string        `placeholder:"PORT" help:"Serial tap: the printer's TX line too (its status replies)."`
	PrinterBaud    int           `default:"9600" help:"Serial: the printer line's speed."`
	Terminal       string        `placeholder:"PORT" help:"The card terminal's line: a serial port (tap on the register's TX line), tcp:HOST:PORT (a network terminal) or none. Asked when not given."`
	TerminalDevice string        `placeholder:"PORT" help:"Serial tap: the terminal's TX line too (its answers: needed to read payments)."`
	TerminalBaud   int           `default:"9600" help:"Serial: the terminal line's speed."`
	Gadget         string        `placeholder:"PATH" help:"The printer gadget a USB printer is bridged through (default /dev/g_printer0 when it exists)."`
	Site           string        `help:"Store name (letters, digits, _ and -). Asked when not given."`
	Lane           string        `help:"Lane name. Asked when not given."`
	Broker         string        `placeholder:"URL" help:"MQTT broker (tcp://host:1883, ssl://host:8883). Asked when not given."`
	DataDir        string        `placeholder:"DIR" help:"Journal and outbox (default /var/lib/tillwatch, on Windows C:\\ProgramData\\tillwatch\\data)."`
	Currency       string        `default:"EUR" help:"The lane's currency (ISO 4217)."`
	Sniff          time.Duration `default:"30s" help:"How long to listen for a receipt and a card payment (it stops as soon as it has both); 0 skips listening."`
	NoDoctor       bool          `help:"Do not run doctor on the written config."`
}

// Where configs and data go by default.
func defaultPaths() (config, data string) {
	if runtime.GOOS == "windows" {
		return `C:\ProgramData\tillwatch\tillwatch.yaml`, `C:\ProgramData\tillwatch\data`
	}
	return "/etc/tillwatch/tillwatch.yaml", "/var/lib/tillwatch"
}

func (c *setupCmd) Run(e *env) error {
	defConfig, defData := defaultPaths()
	if c.Output == "" {
		c.Output = defConfig
	}
	if c.DataDir == "" {
		c.DataDir = defData
	}
	if err := checkWritable(c.Output, c.Force); err != nil {
		return usageError{err}
	}
	ask := newAsker(e)
	if c.Printer == "" || c.Terminal == "" {
		ask.menu = listCandidates(e.stdout, c.gadget())
	}
	var err error
	if c.Printer, err = ask.value(c.Printer, "Which is the printer? (number, port, tcp:HOST:PORT, queue:NAME or none)", "none"); err != nil {
		return err
	}
	if c.Terminal, err = ask.value(c.Terminal, "Which is the card terminal? (number, port, tcp:HOST:PORT or none)", "none"); err != nil {
		return err
	}
	c.Printer, c.Terminal = ask.pick(c.Printer), ask.pick(c.Terminal)
	if c.Site, err = ask.value(c.Site, "Store name (site)", ""); err != nil {
		return err
	}
	if c.Lane, err = ask.value(c.Lane, "Lane name", "lane-1"); err != nil {
		return err
	}
	if c.Broker, err = ask.value(c.Broker, "MQTT broker URL", ""); err != nil {
		return err
	}
	devs, notes, err := c.devices()
	if err != nil {
		return usageError{err}
	}
	if len(devs) == 0 {
		return usageError{errors.New("setup: neither a printer nor a terminal: give --printer or --terminal")}
	}
	if c.Sniff > 0 {
		notes = append(notes, c.listen(e, devs)...)
	}
	text := configText(c, devs, notes)
	if _, err := configs.Parse(c.Output, []byte(text)); err != nil {
		return fmt.Errorf("setup: the config drafted does not load (a bug; please report it): %w", err)
	}
	if err := writeConfig(c.Output, []byte(text)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nwrote %s\n", c.Output)
	for _, n := range notes {
		fmt.Fprintf(e.stdout, "  - %s\n", n)
	}
	if c.NoDoctor {
		return nil
	}
	fmt.Fprintf(e.stdout, "\ndoctor -c %s\n", c.Output)
	return (&doctorCmd{Config: c.Output}).Run(e)
}

// gadget is the printer gadget to bridge a USB printer through, if any.
func (c *setupCmd) gadget() string {
	if c.Gadget != "" {
		return c.Gadget
	}
	if _, err := os.Stat(configs.DefaultGadget); err == nil {
		return configs.DefaultGadget
	}
	return ""
}

// devices drafts the printer and terminal devices from the answers; notes
// say what the technician does next.
func (c *setupCmd) devices() ([]configs.Device, []string, error) {
	var devs []configs.Device
	var notes []string
	if !isNone(c.Printer) {
		d := configs.DefaultDevice("printer", configs.RolePrinter, "")
		d.Currency = c.Currency
		note, err := c.linkFor(&d, c.Printer, c.PrinterDevice, c.PrinterBaud)
		if err != nil {
			return nil, nil, fmt.Errorf("setup: --printer: %w", err)
		}
		devs, notes = append(devs, d), append(notes, note...)
	}
	if !isNone(c.Terminal) {
		d := configs.DefaultDevice("terminal", configs.RoleTerminal, "")
		d.Currency = c.Currency
		if strings.HasPrefix(c.Terminal, "queue:") || strings.HasPrefix(c.Terminal, "/dev/usb/lp") {
			return nil, nil, fmt.Errorf("setup: --terminal %q: a terminal is on a serial port or the network", c.Terminal)
		}
		note, err := c.linkFor(&d, c.Terminal, c.TerminalDevice, c.TerminalBaud)
		if err != nil {
			return nil, nil, fmt.Errorf("setup: --terminal: %w", err)
		}
		if d.Link.Type == configs.TypeSerial && d.Link.DevicePort == "" {
			notes = append(notes, "the terminal is tapped on the register's line only: its answers (the payments) need its TX line too (--terminal-device PORT, a second adapter on the Y-cable)")
		}
		devs, notes = append(devs, d), append(notes, note...)
	}
	return devs, notes, nil
}

// linkFor sets d's link for a port answer.
func (c *setupCmd) linkFor(d *configs.Device, spec, devPort string, baud int) ([]string, error) {
	switch {
	case strings.HasPrefix(spec, "tcp:"):
		addr := strings.TrimPrefix(spec, "tcp:")
		_, port, err := splitHostPort(addr)
		if err != nil {
			return nil, err
		}
		d.Link = configs.Link{Type: configs.TypeTCP, Mode: configs.ModeBridge, Listen: "0.0.0.0:" + port, Connect: addr}
		return []string{fmt.Sprintf("%s: point the register at this machine's port %s instead of %s", d.Name, port, addr)}, nil
	case strings.HasPrefix(spec, "queue:"):
		queue := strings.TrimPrefix(spec, "queue:")
		d.Link = configs.Link{Type: configs.TypeSpooler, Mode: configs.ModeBridge, Listen: "127.0.0.1:9100", DevicePort: "tillwatch raw"}
		return []string{fmt.Sprintf("%s: tillwatch service install -c %s --register-queue %q moves the register's queue onto tillwatch (README: Windows, USB printer)", d.Name, c.Output, queue)}, nil
	case strings.HasPrefix(spec, "/dev/usb/lp"):
		if g := c.gadget(); g != "" {
			d.Link = configs.Link{Type: configs.TypeUSBGadget, Mode: configs.ModeBridge, HostPort: g, DevicePort: spec}
			return nil, nil
		}
		d.Link = configs.Link{Type: configs.TypeUSBLP, Mode: configs.ModeBridge, HostPort: "/run/tillwatch/printer", DevicePort: spec}
		return []string{d.Name + ": point the register at the virtual serial port /run/tillwatch/printer (or, for a Pi inline on USB, set up the printer gadget: docs/wiring.md)"}, nil
	}
	d.Link = configs.DefaultLink(spec)
	d.Link.DevicePort, d.Link.Baud = devPort, baud
	return nil, nil
}

// listen runs the drafted links for up to c.Sniff and fills in what the
// traffic suggests.
func (c *setupCmd) listen(e *env, devs []configs.Device) []string {
	var sniffed []configs.Device
	for _, d := range devs {
		if d.Link.Type != configs.TypeSpooler || runtime.GOOS == "windows" {
			sniffed = append(sniffed, d)
		}
	}
	if len(sniffed) == 0 {
		return nil
	}
	fmt.Fprintf(e.stdout, "\nListening for up to %s: print a receipt and run a card payment now (Ctrl-C stops listening).\n", c.Sniff)
	ctx, cancel := context.WithTimeout(e.ctx, c.Sniff)
	defer cancel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	t := sniff.Listen(ctx, sniffed, quiet, func(t sniff.Traffic) bool { return enough(t, sniffed) })
	var notes []string
	for i := range devs {
		d := &devs[i]
		if why := t.Down[d.Name]; why != "" {
			notes = append(notes, fmt.Sprintf("%s: the link was down while listening: %s", d.Name, why))
		}
		switch d.Role {
		case configs.RolePrinter:
			notes = append(notes, suggestPrinter(d, t.Host(d.Name)))
		case configs.RoleTerminal:
			notes = append(notes, suggestTerminal(d, t))
		}
	}
	return notes
}

// enough: a cut receipt on every printer and a payment on every terminal.
func enough(t sniff.Traffic, devs []configs.Device) bool {
	for _, d := range devs {
		switch d.Role {
		case configs.RolePrinter:
			h := t.Host(d.Name)
			if !bytes.Contains(h, []byte("\x1dV")) && !bytes.Contains(h, []byte("\x1bi")) && !bytes.Contains(h, []byte("\x1bm")) {
				return false
			}
		case configs.RoleTerminal:
			if sniff.Terminal(t.Chunks[d.Name]).Payments == 0 {
				return false
			}
		}
	}
	return true
}

func suggestPrinter(d *configs.Device, host []byte) string {
	if len(host) == 0 {
		return "printer: nothing heard from the register, defaults kept (printer epson, receipt profile generic): check the port and speed, print a receipt and run setup again"
	}
	if l := sniff.Looks(host); l != "" && l != "ESC/POS print data" {
		return fmt.Sprintf("printer: the bytes look like %s, not a printer: are printer and terminal swapped?", l)
	}
	g := sniff.Printer(host, d.Currency)
	d.Printer, d.ChineseDefault, d.ReceiptProfile = g.Printer, g.ChineseDefault, g.ReceiptProfile
	d.CodePage = ""
	switch {
	case g.Receipts == 0 && g.GraphicsOnly > 0:
		return fmt.Sprintf("printer: %d receipts printed only as images (the register's driver draws them): tillwatch needs a glyph dictionary (tillwatch profile learn) or the register set to the printer's own fonts", g.GraphicsOnly)
	case g.Receipts == 0:
		return fmt.Sprintf("printer: %d bytes but no receipt with text: defaults kept; tillwatch decode escpos on a capture shows what the register sends", len(host))
	}
	return fmt.Sprintf("printer: %d bytes, %d receipts: printer %s, chinese_default %v, receipt profile %s (%s)", len(host), g.Receipts, g.Printer, g.ChineseDefault, g.ReceiptProfile, g.Found)
}

func suggestTerminal(d *configs.Device, t sniff.Traffic) string {
	chunks := t.Chunks[d.Name]
	g := sniff.Terminal(chunks)
	if g.Protocol == "" {
		n := 0
		for _, c := range chunks {
			n += len(c.Data)
		}
		return fmt.Sprintf("terminal: %d bytes but no payment read: protocol zvt kept; run a card payment while setup listens, or set protocol by hand (zvt, transbank, template)", n)
	}
	d.Protocol = g.Protocol
	if g.Protocol != "zvt" {
		d.Framing, d.Charset, d.SlipProfile = "", "", ""
	}
	if g.Protocol == "template" {
		d.Template = g.Template
	}
	if g.Protocol == "transbank" {
		d.Currency = configs.DefaultCurrency("transbank")
	}
	return fmt.Sprintf("terminal: %d payments read as %s%s", g.Payments, g.Protocol, map[bool]string{true: " " + g.Template}[g.Template != ""])
}

// asker asks the technician for what flags did not give, on stdin.
type asker struct {
	out  io.Writer
	in   *bufio.Reader
	menu []string // the numbered candidates listCandidates printed
}

func newAsker(e *env) *asker { return &asker{out: e.stdout, in: bufio.NewReader(e.stdin)} }

// value returns v, or asks for it (def when the answer is empty). At the
// end of input with no default it is a usage error naming the flag.
func (a *asker) value(v, question, def string) (string, error) {
	if v != "" {
		return v, nil
	}
	prompt := question
	if def != "" {
		prompt += " [" + def + "]"
	}
	fmt.Fprintf(a.out, "%s: ", prompt)
	line, err := a.in.ReadString('\n')
	line = strings.TrimSpace(line)
	fmt.Fprintln(a.out)
	if line == "" {
		if def == "" && err != nil {
			return "", usageError{fmt.Errorf("setup: %s: no answer (give it as a flag: tillwatch setup --help)", strings.ToLower(question))}
		}
		if def == "" {
			return a.value(v, question, def)
		}
		return def, nil
	}
	return line, nil
}

// pick turns a menu number into its port.
func (a *asker) pick(v string) string {
	if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= len(a.menu) {
		return a.menu[n-1]
	}
	return v
}

// listCandidates prints the ports, USB printers and Windows queues of this
// machine, numbered, and returns them in that order.
func listCandidates(w io.Writer, gadget string) []string {
	var menu []string
	fmt.Fprintln(w, "Ports and printers on this machine:")
	add := func(v, what string) {
		menu = append(menu, v)
		fmt.Fprintf(w, "  %2d  %-40s %s\n", len(menu), v, what)
	}
	if ports, err := link.ListPorts(); err == nil {
		for _, p := range ports {
			name, what := p.Path, "serial port"
			if len(p.ByID) > 0 {
				name = p.ByID[0]
			}
			if p.USB {
				what += fmt.Sprintf(" (USB %s:%s)", p.VID, p.PID)
			}
			add(name, what)
		}
	}
	lps, _ := filepath.Glob("/dev/usb/lp*")
	for _, lp := range lps {
		what := "USB printer"
		if id, err := link.PrinterDeviceID(lp); err == nil {
			p := link.ParseDeviceID(id)
			what += fmt.Sprintf(": %s %s (%s)", p["MFG"], p["MDL"], strings.Join(p.Commands(), ","))
		}
		if gadget != "" {
			what += ", bridged through " + gadget
		}
		add(lp, what)
	}
	if qs, err := winspool.Queues(); err == nil {
		for _, q := range qs {
			out, _ := q.Sends()
			add("queue:"+q.Name, fmt.Sprintf("printer queue on %s, driver %s (sends %s)", q.Port, q.Driver, out))
		}
	}
	if len(menu) == 0 {
		fmt.Fprintln(w, "  (none found: give the port by name, or tcp:HOST:PORT for a network device)")
	}
	return menu
}

func isNone(v string) bool { return v == "" || strings.EqualFold(v, "none") }

func splitHostPort(addr string) (string, string, error) {
	i := strings.LastIndex(addr, ":")
	if i <= 0 || i == len(addr)-1 {
		return "", "", fmt.Errorf("%q is not HOST:PORT", addr)
	}
	if _, err := strconv.Atoi(addr[i+1:]); err != nil {
		return "", "", fmt.Errorf("%q: the port is not a number", addr)
	}
	return addr[:i], addr[i+1:], nil
}

// checkWritable refuses to overwrite a config that holds more than
// comments (the package ships one with comments only) unless force.
func checkWritable(path string, force bool) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) || force {
		return nil
	}
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return fmt.Errorf("setup: %s holds a config already: --force overwrites it, -o FILE writes another", path)
		}
	}
	return nil
}
