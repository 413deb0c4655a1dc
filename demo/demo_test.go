package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/internal/pcitest"
	"github.com/tillwatch/tillwatch/internal/scenarios"
)

// checkDemoAlerts asserts the exact alerts of the demo shift.
func checkDemoAlerts(t *testing.T, alerts []detect.Alert) {
	t.Helper()
	byKind := map[string][]detect.Alert{}
	for _, a := range alerts {
		key := a.Kind
		if a.State == detect.Resolved {
			key += "/resolved"
		}
		byKind[key] = append(byKind[key], a)
	}
	for kind, as := range byKind {
		// At-least-once delivery may repeat an alert, but only with the same id.
		for _, a := range as[1:] {
			if a.ID != as[0].ID {
				t.Errorf("%s: two different alerts: %s and %s (%s / %s)", kind, as[0].ID, a.ID, as[0].Summary, a.Summary)
			}
		}
	}
	var kinds []string
	for k := range byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	want := []string{"amount_mismatch", "payment_without_receipt", "print_failed", "printer_fault", "printer_fault/resolved"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("alert kinds = %v, want %v", kinds, want)
	}
	if r, f := byKind["printer_fault/resolved"][0], byKind["printer_fault"][0]; r.Incident != f.Incident || r.ID == f.ID {
		t.Errorf("printer_fault raised/resolved: want one incident and two ids, got %s/%s and %s/%s", f.Incident, f.ID, r.Incident, r.ID)
	}
	for _, a := range alerts {
		if a.Site != Site || a.Lane != Lane || a.ID == "" || a.Incident == "" || a.Summary == "" || a.Time.IsZero() || a.Detected.IsZero() {
			t.Errorf("alert %s lacks contract fields: %+v", a.Kind, a)
		}
	}
	mm := byKind["amount_mismatch"][0]
	if mm.Delta == nil || *mm.Delta != -10800 || mm.Payment == nil || mm.Payment.Amount != 1200 || mm.Currency != "CNY" {
		t.Errorf("amount_mismatch: want delta -10800 CNY for a 12.00 payment, got %+v (delta %v)", mm.Payment, mm.Delta)
	}
	if mm.Severity != detect.Critical {
		t.Errorf("amount_mismatch severity = %s", mm.Severity)
	}
	pwr := byKind["payment_without_receipt"][0]
	if pwr.Payment == nil || pwr.Payment.Amount != 3550 || pwr.Payment.Trace != "000103" {
		t.Errorf("payment_without_receipt: want the 35.50 payment (trace 000103), got %+v", pwr.Payment)
	}
	if pwr.Printer == nil || !pwr.Printer.PaperEnd {
		t.Errorf("payment_without_receipt: want printer evidence paper_end, got %+v", pwr.Printer)
	}
	if pwr.Payment != nil && pwr.Payment.Card != "622588******5508" {
		t.Errorf("payment_without_receipt: card = %q, want masked 622588******5508", pwr.Payment.Card)
	}
	pf := byKind["print_failed"][0]
	if pf.Receipt == nil || pf.Receipt.Cut {
		t.Errorf("print_failed: want an uncut receipt, got %+v", pf.Receipt)
	}
}

func TestDemoEndToEnd(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("end-to-end demo shift takes ~30s")
	}
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{Dir: t.TempDir(), Out: &out})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	checkDemoAlerts(t, res.Alerts)

	// Replaying the capture of the shift yields the same alerts, same ids.
	got := replayIDs(t, res.Capture)
	var want []string
	for _, a := range res.Alerts {
		if !slices.Contains(want, a.ID) {
			want = append(want, a.ID)
		}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("replay ids = %v\nlive ids   = %v", got, want)
	}
}

// replayIDs replays a capture file as `tillwatch replay` does and returns
// its alert ids, sorted.
func replayIDs(t *testing.T, path string) []string {
	t.Helper()
	as, err := scenarios.ReplayFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range as {
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)
	return ids
}

// noCardData fails if any full card number appears, in ASCII or as BCD,
// in the blobs or in what the agent left under dir (files, decoded
// captures, the journal read through Badger).
func noCardData(t *testing.T, pans []string, dir string, blobs ...[]byte) {
	t.Helper()
	n := pcitest.Needles{}
	for _, p := range pans {
		n["full card number "+p] = []byte(p)
		n["full card number "+p+" (BCD)"] = packBCD(p)
	}
	named := map[string][]byte{}
	for i, b := range blobs {
		named[fmt.Sprintf("blob %d", i)] = b
	}
	pcitest.Find(t, n, dir, named)
}

// packBCD packs a digit string as BCD (two digits a byte, F-padded), the
// form a PAN takes inside a ZVT frame.
func packBCD(s string) []byte {
	if len(s)%2 == 1 {
		s += "?"
	}
	out := make([]byte, len(s)/2)
	for i := range out {
		hi, lo := s[2*i]-'0', s[2*i+1]-'0'
		if s[2*i+1] == '?' {
			lo = 0xF
		}
		out[i] = hi<<4 | lo
	}
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDemoNotifyNtfy runs the demo shift with an ntfy channel to the local
// inbox (a stand-in for an ntfy server, checked like one): every alert
// reaches it, in Chinese, titles RFC 2047 encoded, resolved ones at low
// priority, no card number in full.
func TestDemoNotifyNtfy(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("end-to-end demo shift takes ~30s")
	}
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{Dir: t.TempDir(), Out: &out, Notify: "ntfy", Locale: "zh-CN"})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	checkDemoAlerts(t, res.Alerts)
	var titles, all string
	for _, m := range res.Notified {
		titles += m.Title + "|" + m.Priority + "\n"
		all += m.Title + "\n" + m.Text + "\n"
	}
	for _, want := range []string{"刷卡成功未出票", "刷卡金额不符", "已解除：打印机故障|2"} {
		if !bytes.Contains([]byte(titles+all), []byte(want)) {
			t.Errorf("no %q among the notifications:\n%s", want, titles)
		}
	}
	if !bytes.Contains(out.Bytes(), []byte("ntfy [priority")) {
		t.Errorf("the demo output does not show the notifications:\n%s", out.String())
	}
	if long := regexp.MustCompile(`[0-9]{13,19}`).FindString(all); long != "" {
		t.Errorf("a card-length number %s in the notifications", long)
	}
}
