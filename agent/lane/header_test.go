package lane

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/configs"
)

// TestCaptureHeader: the example config as a capture header.
func TestCaptureHeader(t *testing.T) {
	cfg, err := configs.Load("../../configs/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := CaptureHeader(cfg)
	want := &capture.Header{Capture: capture.Version, Site: "store-042", Lane: "lane-3", Devices: map[string]capture.DeviceInfo{
		"printer":  {Role: "printer", Protocol: "escpos", Profile: "generic", Printer: "epson", CodePage: "cp437", ChineseDefault: true, Currency: "CNY"},
		"terminal": {Role: "terminal", Protocol: "zvt", Framing: "auto", Currency: "EUR"},
	}, Detect: got.Detect}
	// The detect object is written exactly as before the settings had one
	// type (old readers and goldens depend on it).
	b, err := json.Marshal(got.Detect)
	if err != nil {
		t.Fatal(err)
	}
	const wantDetect = `{"match_window":"2m0s","receipt_wait":"1m30s","cut_timeout":"20s","status_timeout":"3s","duplicate_window":"10m0s","clock_skew":"2s","settlement_window":"48h0m0s","settles":["card"]}`
	if string(b) != wantDetect {
		t.Errorf("detect %s\nwant   %s", b, wantDetect)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// TestHeaderRoundTrip: a config's detection settings survive a capture
// header (written and read as JSON), a zero clock skew included.
func TestHeaderRoundTrip(t *testing.T) {
	cfg, err := configs.Load("../../configs/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Detect.ClockSkew, cfg.Detect.AmountTolerance = 0, 5
	b, err := json.Marshal(CaptureHeader(cfg))
	if err != nil {
		t.Fatal(err)
	}
	var h capture.Header
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	back, err := ConfigFromHeader(&h)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Detect, cfg.Detect) {
		t.Errorf("detect after the header %+v, want %+v", back.Detect, cfg.Detect)
	}
}
