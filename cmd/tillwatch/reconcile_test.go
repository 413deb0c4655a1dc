package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
)

// TestReconcileCLI runs the verb on the sample statement against a real
// journal holding two of the four sales' receipts.
func TestReconcileCLI(t *testing.T) {
	dir := t.TempDir()
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	rcpt := func(h, m int, amount int64) *drivers.Receipt {
		at := time.Date(2026, 11, 22, h, m, 30, 0, cst)
		return &drivers.Receipt{Head: drivers.Head{Time: at, Device: "printer"}, Start: at, Cut: true, Ended: "cut",
			Tenders: []drivers.Tender{{Kind: drivers.TenderCard, Label: "CARD", Amount: amount}}}
	}
	if _, err := journal.New(db).Append(rcpt(10, 15, 12850), rcpt(16, 10, 9900)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "reconcile", "--statement", "../../agent/reconcile/testdata/unionpay-duizhangdan.csv",
		"--journal", dir, "--tz", "Asia/Shanghai", "--site", "s1", "--lane", "l1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	kinds := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var a detect.Alert
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("not an alert line: %q", sc.Text())
		}
		kinds[a.Kind]++
	}
	if kinds[detect.KindPaymentWithoutReceipt] != 2 || kinds[detect.KindRefundWithoutSale] != 1 {
		t.Errorf("alerts %v, want 2 payment_without_receipt (56.00 and 230.00) and 1 refund_without_sale\n%s", kinds, out)
	}
	if !strings.Contains(errOut, "5 statement rows") {
		t.Errorf("summary: %q", errOut)
	}
	if code, _, errOut := runCLI(t, "reconcile", "--statement", "../../agent/reconcile/testdata/acquirer-en.csv"); code != 2 || !strings.Contains(errOut, "-c CONFIG or --journal DIR") {
		t.Errorf("no journal: exit %d %q", code, errOut)
	}
}

// TestReconcileBadRows: every bad row is reported as FILE:LINE:COLUMN:
// field: cause and the verb exits 2; with --skip-bad it reconciles the
// good rows and says how many it skipped.
func TestReconcileBadRows(t *testing.T) {
	dir := t.TempDir()
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	stmt := filepath.Join(t.TempDir(), "stmt.csv")
	csv := "date,time,amount,currency\n2026-11-22,10:00:00,1.00,EUR\n2026-11-22,10:05:00,1.0.0,EUR\n2026-11-22,25:00,2.00,EUR\n2026-11-22,11:00:00,3.00,EUR\n"
	if err := os.WriteFile(stmt, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "reconcile", "--statement", stmt, "--journal", dir)
	for _, want := range []string{
		stmt + `:3:21: amount: "1.0.0" is not an amount in EUR`,
		stmt + `:4:12: time: "25:00": want e.g. 10:15:03`,
		"2 bad rows", "--skip-bad",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	code, out, errOut = runCLI(t, "reconcile", "--statement", stmt, "--journal", dir, "--skip-bad", "--tz", "UTC")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(errOut, "skipping 2 bad rows") || !strings.Contains(errOut, "2 statement rows") {
		t.Fatalf("--skip-bad: exit %d\n%s\n%s", code, out, errOut)
	}
}
