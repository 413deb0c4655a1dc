package lane

import (
	"fmt"
	"slices"
	"sort"

	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/configs"
)

// ConfigFromHeader builds the config replay needs from a capture header:
// each device's protocol and decoder settings, default detection settings.
// It lets `tillwatch replay` run without a config file.
func ConfigFromHeader(h *capture.Header) (*configs.Config, error) {
	if len(h.Devices) == 0 {
		return nil, fmt.Errorf("lane: capture header names no devices")
	}
	cfg := configs.Default()
	if h.Site != "" {
		cfg.Site = h.Site
	}
	if h.Lane != "" {
		cfg.Lane = h.Lane
	}
	names := make([]string, 0, len(h.Devices))
	for n := range h.Devices {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		info := h.Devices[n]
		d := configs.DefaultDevice(n, info.Role, "")
		if info.Protocol != "" {
			d.Protocol = info.Protocol
			d.Currency = configs.DefaultCurrency(d.Protocol) // transbank: CLP
		}
		if info.Profile != "" {
			d.ReceiptProfile = info.Profile
		}
		d.Printer = info.Printer
		if info.CodePage != "" || info.Printer != "" {
			d.CodePage = info.CodePage
		}
		d.ChineseDefault = info.ChineseDefault
		d.DotsPerInch = info.DotsPerInch
		if info.Framing != "" {
			d.Framing = info.Framing
		}
		if info.Currency != "" {
			d.Currency = info.Currency
		}
		d.Template = info.Template
		cfg.Devices = append(cfg.Devices, d)
	}
	if h.Detect != nil {
		cfg.Detect = *h.Detect // read over the defaults (settings.Detect.UnmarshalJSON)
	}
	return cfg, nil
}

// CaptureHeader is the capture header that describes a lane's
// configuration, so that a capture taken with it replays without the
// config (ConfigFromHeader is the way back). It lives here, not in
// capture, so capture stays below configs.
func CaptureHeader(c *configs.Config) *capture.Header {
	d := c.Detect
	d.Settles = slices.Clone(d.Settles)
	h := &capture.Header{Capture: capture.Version, Site: c.Site, Lane: c.Lane, Devices: make(map[string]capture.DeviceInfo, len(c.Devices)),
		Detect: &d}
	for _, d := range c.Devices {
		h.Devices[d.Name] = capture.DeviceInfo{
			Role: d.Role, Protocol: d.Protocol, Profile: d.ReceiptProfile, Printer: d.Printer, CodePage: d.CodePage,
			ChineseDefault: d.ChineseDefault, DotsPerInch: d.DotsPerInch, Framing: d.Framing, Currency: d.Currency, Template: d.Template,
		}
	}
	return h
}
