package subscribe

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary topics and payloads to the watcher's decoder:
// it never panics, and an alert it passes carries the payload unchanged
// and a non-empty id that then counts as seen.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"alert_under_charge.json", "alert_no_receipt.json"} {
		b, err := readFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add("tillwatch/v1/s1/l1/alert/amount_mismatch", b)
	}
	f.Add("tillwatch/v1/s1/l1/status", []byte(`{"state":"online","since":"2026-11-22T10:00:00Z"}`))
	f.Add("tillwatch/v1/s1/l1/status", []byte(`{"state":1}`))
	f.Add("tillwatch/v1//", []byte(`{}`))
	f.Fuzz(func(t *testing.T, topic string, payload []byte) {
		w := &Watcher{opts: Options{Prefix: DefaultPrefix}, dedup: NewDedup(4), states: map[string]Status{}}
		m, ok := w.decode(topic, payload)
		if !ok || m.Alert == nil {
			return
		}
		if m.Alert.ID == "" || !bytes.Equal(m.Payload, payload) {
			t.Fatalf("alert %+v from %q", m.Alert, payload)
		}
		if _, again := w.decode(topic, payload); again {
			t.Fatal("the same alert passed twice")
		}
	})
}
