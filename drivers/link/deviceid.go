package link

import (
	"errors"
	"strings"
)

// errNoStatus: the port cannot report or take a USB port status (not a
// usblp or gadget device, e.g. a pty standing in for one).
var errNoStatus = errors.New("link: no USB port status on this file")

// deviceIDString is the text of a usblp LPIOC_GET_DEVICE_ID answer: a
// two-byte big-endian length (counting itself), then the ID.
func deviceIDString(b []byte) string {
	if len(b) < 2 {
		return ""
	}
	n := int(b[0])<<8 | int(b[1])
	if n < 2 || n > len(b) {
		n = len(b)
	}
	return strings.TrimRight(string(b[2:n]), "\x00")
}

// DeviceID is an IEEE 1284 device ID split into its keys
// ("MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;" -> MFG, CMD, MDL). The long
// forms MANUFACTURER, MODEL and COMMAND SET are folded into MFG, MDL and
// CMD.
type DeviceID map[string]string

// ParseDeviceID splits an IEEE 1284 device ID. Keys are upper-cased and
// trimmed; a field without a colon is skipped.
func ParseDeviceID(s string) DeviceID {
	id := DeviceID{}
	for field := range strings.SplitSeq(s, ";") {
		k, v, ok := strings.Cut(field, ":")
		if !ok {
			continue
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		switch k {
		case "MANUFACTURER":
			k = "MFG"
		case "MODEL":
			k = "MDL"
		case "COMMAND SET":
			k = "CMD"
		}
		if k != "" {
			id[k] = strings.TrimSpace(v)
		}
	}
	return id
}

// Commands lists the command sets the printer declares (CMD:ESC/POS,STAR).
func (id DeviceID) Commands() []string {
	var out []string
	for c := range strings.SplitSeq(id["CMD"], ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}
