package sim

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/settings"
)

// Device names of the simulated lane in captures.
const (
	PrinterName  = "printer"
	TerminalName = "terminal"
)

// lineBaud paces the capture records of a write: a 16-byte FIFO read
// every 16 byte times at 9600 baud, as a serial tap sees it.
const lineBaud = 9600

// wireSide maps a wire to its device name and direction.
func wireSide(w Wire) (string, drivers.Direction) {
	switch w {
	case PrinterHost:
		return PrinterName, drivers.FromHost
	case PrinterDevice:
		return PrinterName, drivers.FromDevice
	case TerminalHost:
		return TerminalName, drivers.FromHost
	default:
		return TerminalName, drivers.FromDevice
	}
}

// lineTime is how long n bytes take on the line at lineBaud (10 bits a
// byte), as Records paces them.
func lineTime(n int) time.Duration { return time.Duration(n) * 10 * time.Second / lineBaud }

// Records turns compiled writes into the capture records a tap on the
// lane would have written, with synthetic times from start: each write in
// FIFO-sized chunks paced at 9600 baud, link changes as link records. A
// device's records are shifted by skew[device] (its clock is off). The
// result is ordered by time (stable).
func Records(writes []Write, start time.Time, skew map[string]time.Duration) []capture.Record {
	var out []capture.Record
	for _, w := range writes {
		dev, dir := wireSide(w.Wire)
		at := start.Add(w.At + skew[dev])
		if w.Link != "" {
			out = append(out, capture.Record{Time: at, Dev: dev, Link: w.Link, Reason: w.Reason})
			continue
		}
		for off := 0; off < len(w.Data); off += fifo {
			end := min(off+fifo, len(w.Data))
			out = append(out, capture.Record{Time: at, Dev: dev, Dir: dir, Data: w.Data[off:end]})
			at = at.Add(time.Duration(end-off) * 10 * time.Second / lineBaud)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}

// Header is the capture header of the simulated lane: ESC/POS printer with
// the generic profile, ZVT terminal (EUR), and the detection settings
// given as config keys (e.g. "clock_skew": "5s") over the defaults.
func Header(site, lane string, detect map[string]string) (*capture.Header, error) {
	d := settings.Default()
	for _, k := range slices.Sorted(maps.Keys(detect)) {
		if err := d.Set(k, detect[k]); err != nil {
			return nil, fmt.Errorf("sim: %w", err)
		}
	}
	if errs := d.Check(); len(errs) > 0 {
		return nil, fmt.Errorf("sim: %w", errs[0])
	}
	return &capture.Header{
		Capture: capture.Version, Site: site, Lane: lane,
		Devices: map[string]capture.DeviceInfo{
			PrinterName:  {Role: "printer", Protocol: "escpos", Profile: "generic"},
			TerminalName: DeviceInfo("zvt", "EUR"),
		},
		Detect: &d,
	}, nil
}

// DeviceInfo is the capture header's entry for the simulated terminal
// speaking protocol (zvt or transbank) in currency ("": zvt EUR, else
// none named).
func DeviceInfo(protocol, currency string) capture.DeviceInfo {
	if protocol == "zvt" {
		return capture.DeviceInfo{Role: "terminal", Protocol: "zvt", Framing: "serial", Currency: cmp.Or(currency, "EUR")}
	}
	return capture.DeviceInfo{Role: "terminal", Protocol: protocol, Currency: currency}
}

// Capture compiles a scenario into its capture: header and records.
func (sc *Scenario) Capture() (*capture.Header, []capture.Record, error) {
	acts, err := sc.Actions()
	if err != nil {
		return nil, nil, err
	}
	ws, err := Compile(acts)
	if err != nil {
		return nil, nil, err
	}
	h, err := Header("s1", "l1", sc.Detect)
	if err != nil {
		return nil, nil, err
	}
	protocol, _, err := sc.Lane()
	if err != nil {
		return nil, nil, err
	}
	if protocol != "zvt" || sc.Currency != "" {
		// A currency the scenario leaves out stays out of the header
		// too, so replay's default for the protocol is what counts.
		h.Devices[TerminalName] = DeviceInfo(protocol, sc.Currency)
	}
	skew := map[string]time.Duration{}
	for k, v := range sc.Skew {
		skew[k] = time.Duration(v)
	}
	return h, Records(ws, sc.Start, skew), nil
}
