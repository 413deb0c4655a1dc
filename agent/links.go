package agent

import (
	"context"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/link"
)

// runner is a link topology: it reads its ports until ctx is done and
// reports to the sink.
type runner interface {
	Run(ctx context.Context, sink link.Sink) error
}

func serialConfig(l configs.Link, path string) link.SerialConfig {
	return link.SerialConfig{
		Path: path, Backend: l.Backend, Baud: l.Baud,
		DataBits: l.DataBits, Parity: l.Parity, StopBits: l.StopBits,
	}
}

// deviceObserved says whether a link carries what the device answers:
// every bridge does, a tap only with a device line.
func deviceObserved(l configs.Link) bool {
	return l.DevicePort != "" || l.Mode == configs.ModeBridge || l.Type == configs.TypeTCP || l.Type == configs.TypeUSBLP
}

// linkFor builds the topology a device's config asks for.
func (a *Agent) linkFor(d configs.Device) runner {
	l := d.Link
	log := a.log.With("device", d.Name)
	switch l.Type {
	case configs.TypeTCP:
		return &link.TCPBridge{Device: d.Name, Now: a.opts.Now, Log: log, Listen: l.Listen, Connect: l.Connect}
	case configs.TypeUSBLP:
		return &link.USBLP{Device: d.Name, Now: a.opts.Now, Log: log, Path: l.DevicePort, PTYLink: l.HostPort, Listen: l.Listen}
	}
	if l.Mode == configs.ModeBridge {
		return &link.Bridge{
			Device: d.Name, Now: a.opts.Now, Log: a.log.With("device", d.Name),
			Host: serialConfig(l, l.HostPort), Dev: serialConfig(l, l.DevicePort),
		}
	}
	t := &link.Tap{Device: d.Name, Now: a.opts.Now, Log: a.log.With("device", d.Name), Host: serialConfig(l, l.HostPort)}
	if l.DevicePort != "" {
		dev := serialConfig(l, l.DevicePort)
		t.Dev = &dev
	}
	return t
}
