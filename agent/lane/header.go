package lane

import (
	"fmt"
	"sort"
	"time"

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
		if err := applyDetect(&cfg.Detect, h.Detect); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// applyDetect overrides the default detection settings with a header's.
func applyDetect(d *configs.Detect, in *capture.DetectInfo) error {
	for _, f := range []struct {
		name string
		s    string
		dst  *time.Duration
	}{
		{"match_window", in.MatchWindow, &d.MatchWindow},
		{"receipt_wait", in.ReceiptWait, &d.ReceiptWait},
		{"cut_timeout", in.CutTimeout, &d.CutTimeout},
		{"status_timeout", in.StatusTimeout, &d.StatusTimeout},
		{"duplicate_window", in.DuplicateWindow, &d.DuplicateWindow},
		{"clock_skew", in.ClockSkew, &d.ClockSkew},
		{"settlement_window", in.SettlementWnd, &d.SettlementWindow},
	} {
		if f.s == "" {
			continue
		}
		v, err := time.ParseDuration(f.s)
		if err != nil || v < 0 {
			return fmt.Errorf("lane: capture header detect.%s: bad duration %q", f.name, f.s)
		}
		*f.dst = v
	}
	if in.AmountTolerance < 0 {
		return fmt.Errorf("lane: capture header detect.amount_tolerance: negative")
	}
	d.AmountTolerance = in.AmountTolerance
	if len(in.Settles) > 0 {
		d.Settles = in.Settles
	}
	return nil
}

// CaptureHeader is the capture header that describes a lane's
// configuration, so that a capture taken with it replays without the
// config (ConfigFromHeader is the way back). It lives here, not in
// capture, so capture stays below configs.
func CaptureHeader(c *configs.Config) *capture.Header {
	d := c.Detect
	h := &capture.Header{Capture: capture.Version, Site: c.Site, Lane: c.Lane, Devices: make(map[string]capture.DeviceInfo, len(c.Devices)),
		Detect: &capture.DetectInfo{
			MatchWindow: d.MatchWindow.String(), ReceiptWait: d.ReceiptWait.String(), CutTimeout: d.CutTimeout.String(),
			StatusTimeout: d.StatusTimeout.String(), DuplicateWindow: d.DuplicateWindow.String(),
			ClockSkew: d.ClockSkew.String(), SettlementWnd: d.SettlementWindow.String(),
			AmountTolerance: d.AmountTolerance, Settles: d.Settles,
		}}
	for _, d := range c.Devices {
		h.Devices[d.Name] = capture.DeviceInfo{
			Role: d.Role, Protocol: d.Protocol, Profile: d.ReceiptProfile, Printer: d.Printer, CodePage: d.CodePage,
			ChineseDefault: d.ChineseDefault, Framing: d.Framing, Currency: d.Currency, Template: d.Template,
		}
	}
	return h
}
