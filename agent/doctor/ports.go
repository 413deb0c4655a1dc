package doctor

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"slices"
	"strings"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/link"
)

type port struct{ side, path string }

// devicePorts lists the serial ports a device's link opens. Network links
// (host:port) are not serial ports and are left to the broker-style checks
// of their own.
func devicePorts(d configs.Device) []port {
	var ps []port
	for _, p := range []port{{"host", d.Link.HostPort}, {"device", d.Link.DevicePort}} {
		if p.path != "" && isSerialPath(p.path) {
			ps = append(ps, p)
		}
	}
	return ps
}

func isSerialPath(p string) bool {
	return strings.HasPrefix(p, "/") || strings.HasPrefix(strings.ToUpper(p), "COM")
}

func checkPort(d configs.Device, p port) Result {
	r := Result{Name: "port " + d.Name + " " + p.side + " " + p.path}
	cfg := link.SerialConfig{Path: p.path, Backend: d.Link.Backend, Baud: d.Link.Baud, DataBits: d.Link.DataBits, Parity: d.Link.Parity, StopBits: d.Link.StopBits}
	port, err := link.OpenSerial(cfg)
	switch {
	case err == nil:
		if err := port.Close(); err != nil {
			r.Status, r.Detail = Warn, "opened, but closing failed: "+err.Error()
			return r
		}
		r.Detail = fmt.Sprintf("opens at %d baud (%s)", cfg.WithDefaults().Baud, cfg.WithDefaults().Backend)
		if target, err := os.Readlink(p.path); err == nil {
			r.Detail += ", links to " + target
		}
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
