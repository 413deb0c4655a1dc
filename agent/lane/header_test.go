package lane

import (
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
	}, Detect: &capture.DetectInfo{
		MatchWindow: "2m0s", ReceiptWait: "1m30s", CutTimeout: "20s", StatusTimeout: "3s", DuplicateWindow: "10m0s",
		ClockSkew: "2s", SettlementWnd: "48h0m0s",
		Settles: []string{"card"},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
