package reconcile

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/golden"
)

var shanghai = time.FixedZone("CST", 8*3600)

// cardReceipt is a register receipt paid by card.
func cardReceipt(at time.Time, number string, card int64) *drivers.Receipt {
	return &drivers.Receipt{
		Head: drivers.Head{Time: at, Device: "printer"}, Start: at.Add(-2 * time.Second), Cut: true, Ended: "cut",
		Number: number, Total: &card, Currency: "CNY",
		Tenders: []drivers.Tender{{Kind: drivers.TenderCard, Label: "银行卡", Amount: card}},
	}
}

// lane writes a shift's register receipts into a real journal (Badger in
// a temp dir) and returns the directory.
func lane(t *testing.T) string {
	dir := t.TempDir()
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	day := func(h, m, s int) time.Time { return time.Date(2026, 11, 22, h, m, s, 0, shanghai) }
	j := journal.New(db)
	slipR := cardReceipt(day(12, 20, 50), "", 23000)
	slipR.Profile = "slip:unionpay" // the terminal's slip is no register receipt
	_, err = j.Append(
		cardReceipt(day(10, 15, 20), "0041", 12850),
		cardReceipt(day(11, 2, 30), "0042", 6500), // keyed 56.00 on the terminal: 少刷
		slipR,
		cardReceipt(day(16, 10, 50), "0047", 9900),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readFile(t *testing.T, path string, opts Options) []*drivers.Payment {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadStatement(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestGolden(t *testing.T) {
	dir := lane(t)
	cfg := detect.DefaultConfig()
	cfg.Site, cfg.Lane = "s1", "l1"
	cfg.Roles = map[string]string{"printer": detect.RolePrinter}
	j, db, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows := readFile(t, "testdata/unionpay-duizhangdan.csv", Options{Location: shanghai, Currency: "CNY"})
	if len(rows) != 5 {
		t.Fatalf("rows = %d, want 5 (the failed one skipped)", len(rows))
	}
	res, err := Reconcile(j, rows, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	enc := json.NewEncoder(&got)
	kinds := map[string]int{}
	for _, a := range res.Alerts {
		kinds[a.Kind]++
		a.Detected = time.Time{}
		if err := enc.Encode(a); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{detect.KindPaymentWithoutReceipt, detect.KindAmountMismatch, detect.KindRefundWithoutSale} {
		if kinds[k] == 0 {
			t.Errorf("no %s alert: %v", k, kinds)
		}
	}
	if strings.Contains(got.String(), "6225880000") {
		t.Error("unmasked card in alerts")
	}
	// The same statement again: the same ids.
	again, err := Reconcile(j, rows, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again.Alerts {
		if again.Alerts[i].ID != res.Alerts[i].ID {
			t.Errorf("alert %d id %s then %s", i, res.Alerts[i].ID, again.Alerts[i].ID)
		}
	}
	golden.Check(t, filepath.Join("testdata", "golden", "unionpay-duizhangdan.jsonl"), got.Bytes())
}

// TestKnownRows: a row the journal holds as a terminal payment (a lane
// with a terminal link, or slips) is not checked twice.
func TestKnownRows(t *testing.T) {
	rows := readFile(t, "testdata/acquirer-en.csv", Options{Location: time.UTC})
	if len(rows) != 3 || rows[2].Type != drivers.PayRefund || rows[0].Card != "8074" || rows[0].Currency != "EUR" {
		t.Fatalf("rows = %+v", rows)
	}
	live := *rows[0]
	live.Device, live.Time = "terminal", live.Time.Add(3*time.Second)
	res, err := Reconcile(fakeJournal{&live}, rows[:1], detect.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if res.Known != 1 || len(res.Alerts) != 0 {
		t.Errorf("known = %d, alerts = %+v", res.Known, res.Alerts)
	}
}

type fakeJournal []drivers.Event

func (f fakeJournal) Range(from, to time.Time, fn func(string, drivers.Event) error) error {
	for _, ev := range f {
		if err := fn("", ev); err != nil {
			return err
		}
	}
	return nil
}

func TestStatementErrors(t *testing.T) {
	for name, c := range map[string]struct {
		csv  string
		opts Options
		want string
	}{
		"no amount":   {"date,time\n2026-11-22,10:00\n", Options{}, "no amount column"},
		"bad amount":  {"date,amount\n2026-11-22,abc\n", Options{}, "line 2"},
		"bad date":    {"date,amount\n22/11/2026,1.00\n", Options{}, "line 2, column 1: date: \"22/11/2026\""},
		"bad type":    {"date,amount,type\n2026-11-22,1.00,gift\n", Options{}, "line 2, column 17: type: \"gift\""},
		"bad mapping": {"date,sum\n2026-11-22,1.00\n", Options{Columns: map[string]string{"amount": "total"}}, "not in the header"},
	} {
		_, err := ReadStatement(strings.NewReader(c.csv), c.opts)
		if err == nil || !errors.Is(err, ErrStatement) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
	// A configured column name and GBK text.
	gbk := []byte("\xbd\xbb\xd2\xd7\xc8\xd5\xc6\xda,sum\n2026-11-22,1.00\n") // 交易日期 in GBK
	rows, err := ReadStatement(bytes.NewReader(gbk), Options{Columns: map[string]string{"amount": "SUM"}, Location: time.UTC})
	if err != nil || len(rows) != 1 || rows[0].Amount != 100 {
		t.Errorf("gbk + mapping: %+v, %v", rows, err)
	}
}

func TestOpenJournalErrors(t *testing.T) {
	if _, _, err := OpenJournal(t.TempDir()); !errors.Is(err, ErrNoJournal) {
		t.Errorf("empty dir: %v", err)
	}
	dir := lane(t)
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := OpenJournal(dir); !errors.Is(err, buffer.ErrLocked) || !strings.Contains(err.Error(), "stop the agent") {
		t.Errorf("locked: %v", err)
	}
}
