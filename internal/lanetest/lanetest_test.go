package lanetest

import (
	"testing"
	"time"
)

// TestAlertsKeys: Keys names each kind's alert id, resolutions apart, and
// flags two different ids for one kind; payloads that are no alert are
// kept as errors.
func TestAlertsKeys(t *testing.T) {
	got := &Alerts{}
	for _, p := range []string{
		`{"id":"a1","kind":"printer_fault","state":"raised"}`,
		`{"id":"a2","kind":"printer_fault","state":"resolved"}`,
		`{"id":"a3","kind":"amount_mismatch","state":"raised"}`,
		`{"id":"a3","kind":"amount_mismatch","state":"raised"}`,
		`{"id":"a4","kind":"amount_mismatch","state":"raised"}`,
		`not json`,
	} {
		got.Add("tillwatch/v1/s/l/alert/k", []byte(p))
	}
	keys := got.Keys()
	if keys["printer_fault"] != "a1" || keys["printer_fault/resolved"] != "a2" || keys["amount_mismatch"] != "CONFLICT a3 a4" {
		t.Errorf("keys %v", keys)
	}
	if len(got.All()) != 5 || len(got.Errs()) != 1 {
		t.Errorf("%d alerts, %d errors", len(got.All()), len(got.Errs()))
	}
	if a := got.Wait(t, "printer_fault", "resolved", time.Second); a.ID != "a2" {
		t.Errorf("Wait = %+v", a)
	}
	m := &Messages{}
	m.Add("x/y", []byte("hello"))
	if all := m.All(); len(all) != 1 || all[0] != "x/y hello" {
		t.Errorf("messages %q", all)
	}
}
