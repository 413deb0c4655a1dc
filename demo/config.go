package demo

import (
	"path/filepath"
	"time"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/sim"
)

// Site and Lane name the demo lane in topics.
const (
	Site = "demo-store"
	Lane = "lane-1"
)

// Config is the agent config the demo runs: both devices on two-line serial
// taps over the simulator's ptys, windows shortened so the shift fits in a
// minute.
func Config(dir, broker string, wires *sim.Wires) *configs.Config {
	cfg := configs.Default()
	cfg.Site, cfg.Lane = Site, Lane
	cfg.DataDir = filepath.Join(dir, "data")
	cfg.Capture = filepath.Join(dir, "demo-capture.jsonl")
	cfg.LogLevel = "warn"
	cfg.HTTP.Address = "127.0.0.1:0" // the status page on a free port
	cfg.MQTT.Broker = broker
	cfg.MQTT.ClientID = "tillwatch-" + Site + "-" + Lane
	cfg.MQTT.KeepAlive = 10 * time.Second
	cfg.Devices = []configs.Device{
		{
			Name: "printer", Role: configs.RolePrinter, Protocol: "escpos",
			ReceiptProfile: "generic", CodePage: "cp437", Currency: "CNY",
			Link: configs.Link{Mode: configs.ModeTap, HostPort: wires.Path(sim.PrinterHost), DevicePort: wires.Path(sim.PrinterDevice),
				Backend: "gobug", Baud: 19200, DataBits: 8, Parity: "none", StopBits: 1},
		},
		{
			Name: "terminal", Role: configs.RoleTerminal, Protocol: "zvt", Framing: "serial", Currency: "CNY",
			Link: configs.Link{Mode: configs.ModeTap, HostPort: wires.Path(sim.TerminalHost), DevicePort: wires.Path(sim.TerminalDevice),
				Backend: "gobug", Baud: 9600, DataBits: 8, Parity: "none", StopBits: 2},
		},
	}
	cfg.Detect.MatchWindow = 20 * time.Second
	cfg.Detect.ReceiptWait = 6 * time.Second
	cfg.Detect.CutTimeout = 4 * time.Second
	cfg.Detect.StatusTimeout = 2 * time.Second
	return cfg
}
