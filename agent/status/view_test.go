package status

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
)

func TestView(t *testing.T) {
	cfg := configs.Default()
	cfg.Detect.ReceiptWait = 10 * time.Second
	cfg.Devices = []configs.Device{
		configs.DefaultDevice("printer", configs.RolePrinter, "/dev/ttyUSB0"),
		configs.DefaultDevice("terminal", configs.RoleTerminal, "/dev/ttyUSB1"),
	}
	cfg.Devices[0].Currency = "CNY"
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	v := NewView(cfg, t0)
	snap := func() Snapshot { var s Snapshot; v.Fill(&s); return s }

	v.Events([]drivers.Event{&drivers.Link{Head: drivers.Head{Time: t0, Device: "printer"}, Up: true}})
	v.Data("printer", drivers.Chunk{Time: t0.Add(time.Second), Data: []byte("abc")})
	pay := func(at time.Duration, amount int64) *drivers.Payment {
		return &drivers.Payment{Head: drivers.Head{Time: t0.Add(at), Device: "terminal"}, Type: drivers.PaySale, Result: drivers.Approved, Amount: amount, Currency: "CNY", Trace: "000001"}
	}
	v.Events([]drivers.Event{pay(2*time.Second, 1000), pay(3*time.Second, 2500)})
	s := snap()
	if d := s.Devices[0]; !d.Up || !d.Seen || d.Bytes != 3 || !d.LastData.Equal(t0.Add(time.Second)) {
		t.Errorf("printer: %+v", d)
	}
	if d := s.Devices[1]; d.Up || d.Seen {
		t.Errorf("terminal: %+v", d)
	}
	if len(s.Windows) != 2 || s.Windows[0].What != "receipt for card sale CNY 10.00 (trace 000001)" || !s.Windows[0].Deadline.Equal(t0.Add(12*time.Second)) {
		t.Fatalf("windows: %+v", s.Windows)
	}
	total := int64(2500)
	v.Events([]drivers.Event{&drivers.Receipt{Head: drivers.Head{Time: t0.Add(4 * time.Second), Device: "printer"}, Number: "0001", Total: &total,
		Tenders: []drivers.Tender{{Kind: drivers.TenderCard, Amount: 2500}}, Cut: true}})
	s = snap()
	if len(s.Windows) != 1 || s.Windows[0].Opened != t0.Add(2*time.Second) {
		t.Errorf("after the 25.00 receipt: %+v", s.Windows)
	}
	if r := s.Receipts[0]; r.Total != "CNY 25.00" || r.Tenders != "card 25.00" || r.Number != "0001" {
		t.Errorf("receipt (currency from the device config): %+v", r)
	}
	v.Beat(t0.Add(13 * time.Second))
	if s = snap(); len(s.Windows) != 0 || !s.Heartbeat.Equal(t0.Add(13*time.Second)) {
		t.Errorf("after the deadline: %+v", s.Windows)
	}
	for i := range 25 {
		v.Alert(detect.Alert{ID: string(rune('a' + i)), Kind: detect.KindPrintFailed})
	}
	s = snap()
	if len(s.Alerts) != viewAlerts || s.Alerts[0].ID != string(rune('a'+24)) || s.AlertsByKind[detect.KindPrintFailed] != 25 || s.AlertsByKind[detect.KindSettlementMismatch] != 0 {
		t.Errorf("alerts: %d, newest %q, by kind %v", len(s.Alerts), s.Alerts[0].ID, s.AlertsByKind)
	}
	if _, ok := s.AlertsByKind[detect.KindDuplicateCharge]; !ok {
		t.Error("every kind should have a series from the start")
	}
}

// TestViewMasksCardNumbers: a full card number a decoder failed to mask
// (Luhn-valid, in a payment's card and an alert's summary) is masked before
// it reaches the status page and /status.json.
func TestViewMasksCardNumbers(t *testing.T) {
	const pan = "6222021234567890128"
	cfg := configs.Default()
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	v := NewView(cfg, t0)
	v.Events([]drivers.Event{&drivers.Payment{Head: drivers.Head{Time: t0, Device: "terminal"}, Type: drivers.PaySale,
		Result: drivers.Approved, Amount: 3550, Currency: "CNY", Card: pan}})
	v.Alert(detect.Alert{ID: "a1", Kind: detect.KindPaymentWithoutReceipt, Time: t0, Detected: t0, Summary: "card " + pan + " paid 35.50",
		Payment: &detect.PaymentEvidence{Amount: 3550, Currency: "CNY", Card: pan}})
	var s Snapshot
	v.Fill(&s)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), pan) {
		t.Fatalf("a full card number on the status page: %s", b)
	}
	if s.Payments[0].Card != "622202*********0128" {
		t.Errorf("card %q, want first 6 and last 4", s.Payments[0].Card)
	}
}
