package configs

import (
	"fmt"
	"net"
)

// VideoModes and VideoEncodings are what a video feed may use (package
// agent/videofeed).
var (
	VideoModes     = []string{"tcp-client", "tcp-server", "udp"}
	VideoEncodings = []string{"utf-8", "gbk", "latin1"}
)

// Video is a POS text feed to a video recorder (NVR/VMS overlay): each
// receipt's lines and each alert line, framed by markers.
type Video struct {
	// Name identifies the feed in logs.
	Name string `yaml:"name"`
	// Mode is tcp-client (connect to the recorder), tcp-server (the
	// recorder connects to us) or udp.
	Mode string `yaml:"mode"`
	// Address is host:port of the recorder (tcp-client, udp) or where to
	// listen (tcp-server).
	Address string `yaml:"address"`
	// Start, LineEnd and End frame each transaction as the recorder is set
	// up (LineEnd default "\r\n").
	Start   string `yaml:"start"`
	LineEnd string `yaml:"line_end"`
	End     string `yaml:"end"`
	// Encoding is utf-8 (default), gbk, or latin1 (Chinese as pinyin).
	Encoding string `yaml:"encoding"`
	// Locale is the alert lines' language (default the lane's).
	Locale string `yaml:"locale"`
	// Device sends only this printer's receipts (default all).
	Device string `yaml:"device"`
	// NoReceipts and NoAlerts leave those out.
	NoReceipts bool `yaml:"no_receipts"`
	NoAlerts   bool `yaml:"no_alerts"`
}

func (d *decoder) validateVideo(vs []Video) {
	for i := range vs {
		v := &vs[i]
		p := fmt.Sprintf("video[%d].", i)
		d.required(p+"name", v.Name, "a name for the feed, e.g. nvr")
		if d.required(p+"mode", v.Mode, "tcp-client, tcp-server or udp") {
			d.enum(p+"mode", v.Mode, VideoModes)
		}
		if d.required(p+"address", v.Address, "host:port, e.g. 192.168.1.64:5010") {
			if _, _, err := net.SplitHostPort(v.Address); err != nil {
				d.fail(p+"address", "%q: want host:port: %v", v.Address, err)
			}
		}
		if v.Encoding != "" {
			d.enum(p+"encoding", v.Encoding, VideoEncodings)
		}
		if v.Locale != "" {
			d.enum(p+"locale", v.Locale, Locales)
		}
	}
}
