package doctor

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/agent/presence"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/link"
	"github.com/tillwatch/tillwatch/drivers/winspool"
)

// port is one thing a device's link opens: a serial line, a USB printer
// device file, a TCP address to connect to or one to listen on.
type port struct{ side, path, kind string }

// Port kinds.
const (
	kindSerial = "serial"
	kindLP     = "usblp"
	kindGadget = "gadget"
	kindQueue  = "queue"
	kindDial   = "connect"
	kindListen = "listen"
)

// devicePorts lists what a device's link opens. A usblp link's host_port is
// the pty the agent creates for the register: nothing to check before.
func devicePorts(d configs.Device) []port {
	l := d.Link
	var ps []port
	add := func(side, path, kind string) {
		if path != "" {
			ps = append(ps, port{side, path, kind})
		}
	}
	switch l.Type {
	case configs.TypeTCP:
		add("host", l.Listen, kindListen)
		add("device", l.Connect, kindDial)
	case configs.TypeUSBLP:
		add("host", l.Listen, kindListen)
		add("device", l.DevicePort, kindLP)
	case configs.TypeUSBGadget:
		add("host", l.HostPort, kindGadget)
		add("device", l.DevicePort, kindLP)
	case configs.TypeSpooler:
		add("host", l.Listen, kindListen)
		add("device", l.DevicePort, kindQueue)
	default:
		add("host", l.HostPort, kindSerial)
		add("device", l.DevicePort, kindSerial)
	}
	return ps
}

func checkPort(d configs.Device, p port) Result {
	r := Result{Name: "port " + d.Name + " " + p.side + " " + p.path}
	switch p.kind {
	case kindDial:
		return checkDial(r, p.path)
	case kindListen:
		return checkListen(r, p.path)
	case kindQueue:
		return checkQueue(r, p.path, d.Link.Listen, winspool.Queues)
	}
	cfg := link.SerialConfig{Path: p.path, Backend: d.Link.Backend, Baud: d.Link.Baud, DataBits: d.Link.DataBits, Parity: d.Link.Parity, StopBits: d.Link.StopBits}
	open := link.OpenSerial
	switch p.kind {
	case kindLP:
		open = link.OpenLP
	case kindGadget:
		open = link.OpenGadgetFile
	}
	port, err := open(cfg)
	switch {
	case err == nil:
		if err := port.Close(); err != nil {
			r.Status, r.Detail = Warn, "opened, but closing failed: "+err.Error()
			return r
		}
		r.Detail = fmt.Sprintf("opens at %d baud (%s)", cfg.WithDefaults().Baud, cfg.WithDefaults().Backend)
		switch p.kind {
		case kindLP:
			r.Detail = "opens (USB printer device)"
			if id, err := link.PrinterDeviceID(p.path); err == nil && id != "" {
				r.Detail += ": " + id
			}
		case kindGadget:
			r.Detail = "opens (printer gadget; the register has it configured)"
		}
		if target, err := os.Readlink(p.path); err == nil {
			r.Detail += ", links to " + target
		}
	case errors.Is(err, link.ErrNotFound) && p.kind == kindGadget:
		return checkGadgetAbsent(r, p.path)
	case errors.Is(err, link.ErrNotFound):
		r.Status, r.Detail, r.Hint = Fail, "no such port", "unplugged or wrong path: `tillwatch ports` lists what exists; prefer /dev/serial/by-id names"
	case errors.Is(err, link.ErrPermission):
		r.Status, r.Detail, r.Hint = Fail, "permission denied", groupHint(p.path)
	case errors.Is(err, link.ErrBusy):
		r.Status, r.Detail, r.Hint = Warn, "busy: another process has it open", "fine if it is the running agent; otherwise find it with `fuser "+p.path+"`"
	default:
		r.Status, r.Detail = Fail, err.Error()
	}
	return r
}

// groupHint names the port's group and whether the current user is in it.
func groupHint(path string) string {
	group, err := portGroup(path)
	if err != nil {
		return "the user running tillwatch may not open it"
	}
	u, err := user.Current()
	if err != nil {
		return fmt.Sprintf("the port belongs to group %q: add the user running tillwatch to it", group)
	}
	gids, _ := u.GroupIds()
	g, err := user.LookupGroup(group)
	if err == nil && slices.Contains(gids, g.Gid) {
		return fmt.Sprintf("%s is in group %q already: log out and in again (group membership is read at login)", u.Username, group)
	}
	return fmt.Sprintf("the port belongs to group %q and %s is not in it: sudo usermod -aG %s %s (then log in again)", group, u.Username, group, u.Username)
}

// checkDial connects to a network device the agent forwards to.
func checkDial(r Result, addr string) Result {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		r.Status, r.Detail, r.Hint = Fail, "unreachable: "+err.Error(), "is the device on, and is its address right? the agent reports it offline and retries"
		return r
	}
	_ = c.Close()
	r.Detail = "accepts connections"
	return r
}

// checkListen binds the address the register will connect to.
func checkListen(r Result, addr string) Result {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		r.Status, r.Detail, r.Hint = Warn, "cannot listen: "+err.Error(), "fine if the running agent holds it; otherwise another program uses the port"
		return r
	}
	_ = ln.Close()
	r.Detail = "free to listen on"
	return r
}

// checkGadgetAbsent tells a gadget that was never set up (no device file:
// a failure) from one the register has not enumerated yet (ENODEV: the PC
// is off or not plugged in, a warning).
func checkGadgetAbsent(r Result, path string) Result {
	if _, err := os.Stat(path); err != nil {
		r.Status, r.Detail = Fail, "no printer gadget"
		r.Hint = "set it up: sudo tillwatch-gadget up (needs dtoverlay=dwc2 in config.txt; see docs/wiring.md)"
		return r
	}
	r.Status, r.Detail = Warn, "the register has not enumerated the printer gadget"
	r.Hint = "is the register PC on and its USB cable in the Pi's USB-C port? `tillwatch-gadget status` shows the USB state"
	return r
}

// heldPort reports a port of a running agent without opening it: the
// agent's own view of the device's link when its API answered.
func heldPort(name, dev string, ag *presence.Agent) Result {
	r := Result{Name: name, Detail: "held by " + ag.String() + ": not opened"}
	for _, d := range ag.Devices {
		if d.Name != dev {
			continue
		}
		switch {
		case d.Up:
			r.Detail += "; the agent's link is up"
		case d.Seen:
			r.Status, r.Detail = Fail, r.Detail+"; the agent's link is down: "+d.Reason
			r.Hint = "see the agent's log and status page; stop it to check the port itself"
		default:
			r.Status, r.Detail = Warn, r.Detail+"; the agent's link has not come up yet"
		}
	}
	return r
}
