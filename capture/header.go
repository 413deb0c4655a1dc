package capture

import (
	"encoding/json"
	"fmt"

	"github.com/tillwatch/tillwatch/drivers/settings"
)

// Version is the format name and version written in every header.
const Version = "tillwatch/1"

// Header is the optional first line of a capture: which lane it is and
// what each device speaks, so that replay needs no config.
type Header struct {
	// Capture is the format version, Version; NewWriter fills it in.
	Capture string `json:"capture"`
	// Site and Lane name the lane the capture was taken on.
	Site string `json:"site,omitempty"`
	Lane string `json:"lane,omitempty"`
	// Devices maps each device name used in records to its settings.
	Devices map[string]DeviceInfo `json:"devices,omitempty"`
	// Detect, optional, carries the detection settings the capturing agent
	// ran with, so a replay without a config decides the same windows:
	// durations as Go duration strings ({"match_window":"2m0s",...});
	// settings a header leaves out are the defaults (settings.Detect). It
	// is a tillwatch extension of the header contract; readers that do not
	// know it ignore it.
	Detect *settings.Detect `json:"detect,omitempty"`
}

// DeviceInfo is what replay needs to know to decode one device's bytes.
type DeviceInfo struct {
	// Role is "printer" or "terminal".
	Role string `json:"role"`
	// Protocol is "escpos", "zvt", "transbank", ...
	Protocol string `json:"protocol"`
	// Profile is the receipt profile (printers).
	Profile string `json:"profile,omitempty"`
	// Printer is the printer profile (e.g. "epson", "star-line").
	Printer string `json:"printer,omitempty"`
	// CodePage is the printer's power-up code table, e.g. "cp437".
	CodePage string `json:"code_page,omitempty"`
	// ChineseDefault says the printer starts in GBK double-byte mode.
	ChineseDefault bool `json:"chinese_default,omitempty"`
	// DotsPerInch is the printer's head density (GS P units); 0: the
	// printer profile's.
	DotsPerInch int `json:"dots_per_inch,omitempty"`
	// Framing is the terminal framing: "auto", "serial" or "tcp".
	Framing string `json:"framing,omitempty"`
	// Currency is the device's default ISO 4217 alpha currency.
	Currency string `json:"currency,omitempty"`
	// Template is the terminal template (protocol "template"): a shipped
	// name or a path, as in the config.
	Template string `json:"template,omitempty"`
}

// marshalHeader checks the version (filling in Version when empty) and
// encodes h as one line.
func marshalHeader(h *Header) ([]byte, error) {
	hh := *h
	if hh.Capture == "" {
		hh.Capture = Version
	}
	if hh.Capture != Version {
		return nil, fmt.Errorf("capture: %w %q (this build writes %s)", ErrVersion, hh.Capture, Version)
	}
	b, err := json.Marshal(&hh)
	if err != nil {
		return nil, fmt.Errorf("capture: header: %w", err)
	}
	return append(b, '\n'), nil
}
