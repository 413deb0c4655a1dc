package configs

import (
	"testing"
)

// TestLinkTypes: tcp, usblp, usbgadget and spooler links load, are bridges, and keep the keys
// their type uses.
func TestLinkTypes(t *testing.T) {
	cfg, err := Parse("links.yaml", []byte(`site: s1
lane: l1
data_dir: /var/lib/tillwatch
mqtt:
  broker: tcp://127.0.0.1:1883
devices:
  - name: printer
    role: printer
    link:
      type: tcp
      listen: 0.0.0.0:9100
      connect: 192.168.1.50:9100
  - name: terminal
    role: terminal
    framing: tcp
    link:
      type: tcp
      mode: bridge
      listen: "[::]:20007"
      connect: pt.lane3.example:20007
  - name: usb
    role: printer
    link:
      type: usblp
      device_port: /dev/usb/lp0
      host_port: /run/tillwatch/printer
  - name: usbnet
    role: printer
    link:
      type: usblp
      device_port: /dev/usb/lp1
      listen: 127.0.0.1:9101
  - name: serial
    role: printer
    link:
      host_port: /dev/ttyUSB0
  - name: gadget
    role: printer
    link:
      type: usbgadget
      device_port: /dev/usb/lp2
  - name: windows
    role: printer
    link:
      type: spooler
      listen: 127.0.0.1:9102
      device_port: tillwatch raw
`))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []Link{
		{Type: TypeTCP, Mode: ModeBridge, Listen: "0.0.0.0:9100", Connect: "192.168.1.50:9100"},
		{Type: TypeTCP, Mode: ModeBridge, Listen: "[::]:20007", Connect: "pt.lane3.example:20007"},
		{Type: TypeUSBLP, Mode: ModeBridge, DevicePort: "/dev/usb/lp0", HostPort: "/run/tillwatch/printer"},
		{Type: TypeUSBLP, Mode: ModeBridge, DevicePort: "/dev/usb/lp1", Listen: "127.0.0.1:9101"},
		{Type: TypeSerial, Mode: ModeTap, HostPort: "/dev/ttyUSB0"},
		{Type: TypeUSBGadget, Mode: ModeBridge, DevicePort: "/dev/usb/lp2", HostPort: DefaultGadget},
		{Type: TypeSpooler, Mode: ModeBridge, DevicePort: "tillwatch raw", Listen: "127.0.0.1:9102"},
	} {
		got := cfg.Devices[i].Link
		if got.Type != want.Type || got.Mode != want.Mode || got.Listen != want.Listen || got.Connect != want.Connect ||
			got.HostPort != want.HostPort || got.DevicePort != want.DevicePort {
			t.Errorf("devices[%d].link = %+v, want %+v", i, got, want)
		}
	}
}

// TestSpoolerObserves: a spooler link writes to its printer but carries no
// answers from it.
func TestSpoolerObserves(t *testing.T) {
	l := Link{Type: TypeSpooler, Mode: ModeBridge}
	if l.DeviceObserved() || !l.CanWrite() {
		t.Errorf("spooler: observed %v, can write %v; want false, true", l.DeviceObserved(), l.CanWrite())
	}
	if g := (Link{Type: TypeUSBGadget, Mode: ModeBridge}); !g.DeviceObserved() || !g.CanWrite() {
		t.Error("usbgadget: want observed and writable")
	}
}
