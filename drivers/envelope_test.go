package drivers

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// oldMarshal is Marshal as it was: the envelope through encoding/json. Event
// ids hash Marshal's bytes, so the two must agree byte for byte.
func oldMarshal(e Event) ([]byte, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return json.Marshal(envelope{Type: e.EventType(), Body: body})
}

// oddType is an event whose type name needs escaping: Marshal falls back to
// encoding/json for it.
type oddType struct{ Link }

func (*oddType) EventType() string { return "a<b\"c" }

func envelopeEvents(text string) []Event {
	t := time.Date(2026, 11, 1, 8, 0, 0, 123456789, time.FixedZone("CET", 3600))
	total := int64(-1250)
	return []Event{
		&Receipt{Head: Head{Time: t, Device: text}, Start: t, Lines: []Line{{Text: text, Bold: true, Confidence: 0.000001}, {Text: "", Confidence: 1e21}}, Cut: true, Total: &total, Tenders: []Tender{{Kind: TenderCard, Label: text, Amount: 5}}, Cashier: text, Recognised: &Recognition{Engine: text, Confidence: 0.5}},
		&Receipt{},
		&Payment{Head: Head{Time: t}, Type: PaySale, Result: Approved, Amount: 100, Text: text, Card: "444433******1111"},
		&PrinterStatus{Head: Head{Time: t, Device: "printer"}, Online: true, Via: text},
		&Settlement{Head: Head{Time: t}, Total: 7, From: text},
		&Link{Head: Head{Time: t, Device: text}, Up: true, Reason: text},
		&Damage{},
		&oddType{Link{Reason: text}},
		(*Receipt)(nil),
	}
}

var envelopeTexts = []string{"", "TOTAL 1.00", "<a href='x'>&amp;</a>", "\u2028\u2029", "bad \xff\xfe utf-8", "合计 ¥1,500", "quote \" back \\ tab \t nul \x00", "\u007f\u0080"}

func TestMarshalEnvelope(t *testing.T) {
	for _, text := range envelopeTexts {
		for _, ev := range envelopeEvents(text) {
			checkEnvelope(t, ev)
		}
	}
}

func FuzzMarshalEnvelope(f *testing.F) {
	for _, s := range envelopeTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, ev := range envelopeEvents(text) {
			checkEnvelope(t, ev)
		}
	})
}

func checkEnvelope(t *testing.T, ev Event) {
	t.Helper()
	want, werr := oldMarshal(ev)
	got, gerr := Marshal(ev)
	if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
		t.Fatalf("Marshal(%T) = %s, %v; encoding/json gives %s, %v", ev, got, gerr, want, werr)
	}
	// AppendMarshal after what a reused buffer holds, with room to spare.
	buf := append(make([]byte, 0, 4096), "kept"...)
	app, aerr := AppendMarshal(buf, ev)
	if (aerr != nil) != (gerr != nil) || aerr == nil && !bytes.Equal(app, append([]byte("kept"), want...)) || aerr != nil && string(app) != "kept" {
		t.Fatalf("AppendMarshal(%T) = %s, %v; want kept%s, %v", ev, app, aerr, want, werr)
	}
}

// TestMarshalBadTime: a time outside the years 0..9999 is an error, and
// Marshal returns no bytes with it.
func TestMarshalBadTime(t *testing.T) {
	for _, ev := range []Event{
		&Receipt{Head: Head{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		&Payment{Head: Head{Time: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		if b, err := Marshal(ev); err == nil || b != nil {
			t.Errorf("Marshal(%T) = %q, %v", ev, b, err)
		}
	}
}
