package status

import (
	"testing"

	"github.com/tillwatch/tillwatch/configs"
)

func TestPortText(t *testing.T) {
	tests := []struct {
		l    configs.Link
		want string
	}{
		{configs.Link{HostPort: "/dev/ttyUSB0"}, "/dev/ttyUSB0"},
		{configs.Link{HostPort: "/dev/ttyUSB0", DevicePort: "/dev/ttyUSB1"}, "/dev/ttyUSB0 + /dev/ttyUSB1"},
		{configs.Link{Mode: configs.ModeBridge, HostPort: "/dev/ttyUSB0", DevicePort: "/dev/ttyUSB1"}, "/dev/ttyUSB0 <-> /dev/ttyUSB1"},
		{configs.Link{Type: configs.TypeTCP, Listen: "0.0.0.0:9100", Connect: "192.168.1.50:9100"}, "0.0.0.0:9100 -> 192.168.1.50:9100"},
		{configs.Link{Type: configs.TypeUSBLP, HostPort: "/run/tillwatch/printer", DevicePort: "/dev/usb/lp0"}, "/run/tillwatch/printer -> /dev/usb/lp0"},
	}
	for _, tt := range tests {
		if got := portText(tt.l); got != tt.want {
			t.Errorf("portText(%+v) = %q, want %q", tt.l, got, tt.want)
		}
	}
}
