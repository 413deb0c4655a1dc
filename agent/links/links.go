package links

import (
	"context"
	"log/slog"
	"time"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/link"
	"github.com/tillwatch/tillwatch/drivers/winspool"
)

// Runner is a link topology: it reads its ports until ctx is done and
// reports to the sink.
type Runner interface {
	Run(ctx context.Context, sink link.Sink) error
}

func serialConfig(l configs.Link, path string) link.SerialConfig {
	return link.SerialConfig{
		Path: path, Backend: l.Backend, Baud: l.Baud,
		DataBits: l.DataBits, Parity: l.Parity, StopBits: l.StopBits,
	}
}

// For builds the topology a device's config asks for: a tap, a serial
// bridge, a TCP bridge, a USB printer, a printer gadget or a Windows
// print queue. now stamps each read.
func For(d configs.Device, now func() time.Time, log *slog.Logger) Runner {
	l := d.Link
	log = log.With("device", d.Name)
	switch l.Type {
	case configs.TypeTCP:
		return &link.TCPBridge{Device: d.Name, Now: now, Log: log, Listen: l.Listen, Connect: l.Connect}
	case configs.TypeUSBLP:
		return &link.USBLP{Device: d.Name, Now: now, Log: log, Path: l.DevicePort, PTYLink: l.HostPort, Listen: l.Listen}
	case configs.TypeUSBGadget:
		return &link.USBGadget{Device: d.Name, Now: now, Log: log, Gadget: l.HostPort, Path: l.DevicePort}
	case configs.TypeSpooler:
		return &link.Spool{Device: d.Name, Now: now, Log: log, Listen: l.Listen, Queue: l.DevicePort, Open: openQueue}
	}
	if l.Mode == configs.ModeBridge {
		return &link.Bridge{
			Device: d.Name, Now: now, Log: log,
			Host: serialConfig(l, l.HostPort), Dev: serialConfig(l, l.DevicePort),
		}
	}
	t := &link.Tap{Device: d.Name, Now: now, Log: log, Host: serialConfig(l, l.HostPort)}
	if l.DevicePort != "" {
		dev := serialConfig(l, l.DevicePort)
		t.Dev = &dev
	}
	return t
}

// openQueue opens a Windows print queue for RAW jobs (elsewhere it fails,
// and the link reports the queue down).
func openQueue(name string) (link.SpoolQueue, error) {
	p, err := winspool.Open(name)
	if err != nil {
		return nil, err
	}
	return p, nil
}
