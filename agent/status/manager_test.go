package status_test

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/status"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/internal/golden"
	"github.com/tillwatch/tillwatch/internal/headless"
)

var shots = flag.String("manager-screenshots", "", "also save the manager page's screenshots (zh-CN, en) in this directory")

func i64(v int64) *int64 { return &v }

// managerLane is the lane of lane() with a day of alerts: a card paid with
// no receipt (cashier 李静, printer out of paper), an under-charge, and a
// cover-open printer fault that was resolved; the printer is out of paper
// now and the terminal's link is down.
func managerLane() *fake {
	f := lane()
	s := &f.snap
	pwr := detect.Alert{ID: "a1", Incident: "i1", Kind: detect.KindPaymentWithoutReceipt, Severity: detect.Critical, State: detect.Raised,
		Site: s.Site, Lane: s.Lane, Time: at("2026-11-22T02:10:00Z"), Detected: at("2026-11-22T02:11:30Z"), Currency: "CNY",
		Payment: &detect.PaymentEvidence{Type: "sale", Result: "approved", Amount: 3550, Currency: "CNY", Trace: "000103", Time: at("2026-11-22T02:10:00Z")},
		Printer: &detect.PrinterEvidence{Known: true, PaperEnd: true, Offline: true}, Cashier: "007 李静"}
	mm := detect.Alert{ID: "a2", Incident: "i2", Kind: detect.KindAmountMismatch, Severity: detect.Critical, State: detect.Raised,
		Site: s.Site, Lane: s.Lane, Time: at("2026-11-22T03:18:00Z"), Detected: at("2026-11-22T03:18:00Z"), Currency: "CNY",
		Payment: &detect.PaymentEvidence{Type: "sale", Result: "approved", Amount: 1200, Currency: "CNY", Trace: "000102", Time: at("2026-11-22T03:17:50Z")},
		Receipt: &detect.ReceiptEvidence{Number: "0003", CardTender: i64(12000), Time: at("2026-11-22T03:18:00Z"), Cut: true},
		Delta:   i64(-10800), Cashier: "012 王芳"}
	pf := detect.Alert{ID: "a3", Incident: "i3", Kind: detect.KindPrinterFault, Severity: detect.Critical, State: detect.Raised,
		Site: s.Site, Lane: s.Lane, Time: at("2026-11-22T01:05:00Z"), Detected: at("2026-11-22T01:05:00Z"), Device: "printer",
		Printer: &detect.PrinterEvidence{Known: true, CoverOpen: true, Offline: true}}
	pfr := pf
	pfr.ID, pfr.State, pfr.Time, pfr.Detected = "a4", detect.Resolved, at("2026-11-22T01:07:00Z"), at("2026-11-22T01:07:00Z")
	pfr.Printer = &detect.PrinterEvidence{Known: true, Online: true}
	s.Today = []detect.Alert{pf, pfr, pwr, mm}
	s.Printers = []status.PrinterState{{Device: "printer", Time: at("2026-11-22T02:09:40Z"), Evidence: detect.PrinterEvidence{Known: true, PaperEnd: true, Offline: true}}}
	return f
}

// TestManagerPage: the manager page says the day in the lane's language:
// incidents and money at risk today, the printer out of paper in words,
// the resolved fault as resolved (never as critical), incidents per
// cashier, times in the lane's zone with the zone.
func TestManagerPage(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	srv := status.New(managerLane(), status.Options{Location: sh, Lang: words.ZH, Refresh: time.Hour})
	code, ctype, body := get(t, srv.Handler(), "/today")
	if code != 200 || !strings.HasPrefix(ctype, "text/html") {
		t.Fatalf("%d %s", code, ctype)
	}
	golden.CheckString(t, filepath.Join("testdata", "manager.zh.golden.html"), body)
	for _, want := range []string{"今日", ">3<", "2 未解除", "1 已解除", "¥143.50", "缺纸", "已解除：打印机故障",
		"b-resolved", "007 李静", "¥35.50", "10:10:00 CST", "未连接"} {
		if !strings.Contains(body, want) {
			t.Errorf("zh-CN page lacks %q", want)
		}
	}
	if strings.Contains(body, "b-critical\">已解除") || strings.Contains(body, "payment_without_receipt") {
		t.Error("a raw kind or a resolved alert wearing critical")
	}
	_, _, en := get(t, srv.Handler(), "/today?lang=en")
	for _, want := range []string{"Today", "Money at risk", "CNY 143.50", "out of paper", "Resolved: Printer problem", "Incidents by cashier"} {
		if !strings.Contains(en, want) {
			t.Errorf("en page lacks %q", want)
		}
	}
}

// TestManagerPageInBrowser renders the manager page in headless chromium
// in zh-CN and en and takes a screenshot of each (-manager-screenshots DIR
// keeps them).
func TestManagerPageInBrowser(t *testing.T) {
	b, err := headless.Find()
	if err != nil {
		t.Skipf("SKIP browser test: %v", err)
	}
	sh := time.FixedZone("CST", 8*3600)
	srv := httptest.NewServer(status.New(managerLane(), status.Options{Location: sh, Lang: words.ZH, Refresh: time.Hour}).Handler())
	defer srv.Close()
	ctx := context.Background()
	dir := t.TempDir()
	if *shots != "" {
		dir = *shots
	}
	for _, lang := range []string{"zh-CN", "en"} {
		url := srv.URL + "/today?lang=" + lang
		dom, err := b.DumpDOM(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(dom, map[string]string{"zh-CN": "缺纸", "en": "out of paper"}[lang]) {
			t.Errorf("%s: the printer state is not in the page", lang)
		}
		png := filepath.Join(dir, "manager-"+lang+".png")
		if err := b.Screenshot(ctx, url, png, 1100, 900); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(png); err != nil || st.Size() == 0 {
			t.Errorf("%s: no screenshot: %v", lang, err)
		}
	}
}
