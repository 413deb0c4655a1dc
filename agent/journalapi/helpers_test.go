package journalapi

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
)

// shanghai is the lane's time zone in these tests (fixed: no tzdata needed).
var shanghai = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func i64(v int64) *int64 { return &v }

// day is a lane's 2026-11-22 (and the evening before, and the morning after).
func day() []drivers.Event {
	rc := func(t, no string, total int64, tenders ...drivers.Tender) *drivers.Receipt {
		return &drivers.Receipt{
			Head: drivers.Head{Time: at(t), Device: "printer"}, Start: at(t).Add(-2 * time.Second),
			Lines: []drivers.Line{{Text: "天天超市", Bold: true, Align: "center", DoubleHeight: true}, {Text: "流水号: " + no},
				{Text: "合计                68.00"}, {Text: "银行卡              68.00"}},
			Cut: true, Ended: "cut", Profile: "cn-supermarket", Number: no, Total: i64(total), Due: i64(total),
			Currency: "CNY", Tenders: tenders,
		}
	}
	card := func(a int64) drivers.Tender {
		return drivers.Tender{Kind: drivers.TenderCard, Label: "银行卡", Amount: a}
	}
	cash := func(a int64) drivers.Tender {
		return drivers.Tender{Kind: drivers.TenderCash, Label: "现金", Amount: a}
	}
	pay := func(t string, typ drivers.PaymentType, res drivers.Result, a int64, trace, auth, pan string) *drivers.Payment {
		return &drivers.Payment{Head: drivers.Head{Time: at(t), Device: "terminal"}, Type: typ, Result: res, Amount: a,
			Currency: "CNY", Trace: trace, AuthCode: auth, Card: drivers.MaskPAN(pan), TerminalID: "T1001"}
	}
	copyRc := rc("2026-11-22 15:00:00", "0007", 6800, card(6800))
	copyRc.Reprint = true
	return []drivers.Event{
		rc("2026-11-21 23:59:00", "0001", 1000, cash(1000)),
		pay("2026-11-22 10:00:00", drivers.PaySale, drivers.Approved, 6800, "000101", "A12345", "6222021234564771"),
		rc("2026-11-22 10:00:05", "0007", 6800, card(6800)),
		pay("2026-11-22 11:00:00", drivers.PaySale, drivers.Declined, 0, "000102", "", "6222021234561111"),
		pay("2026-11-22 11:00:30", drivers.PaySale, drivers.Approved, 3550, "000103", "B77777", "6222021234561111"),
		rc("2026-11-22 11:00:40", "0008", 5550, card(3550), cash(2000)),
		rc("2026-11-22 12:00:00", "0009", 1200, cash(1500)),
		copyRc,
		pay("2026-11-22 16:00:00", drivers.PayRefund, drivers.Approved, 3550, "000104", "B77778", "6222021234561111"),
		&drivers.Settlement{Head: drivers.Head{Time: at("2026-11-22 22:00:00"), Device: "terminal"}, Total: 6800, Count: 3, Currency: "CNY", TerminalID: "T1001"},
		rc("2026-11-23 08:00:00", "0010", 990, cash(990)),
	}
}

// openJournal is a journal in a fresh Badger directory holding evs.
func openJournal(t testing.TB, evs []drivers.Event) (*journal.Journal, []string) {
	t.Helper()
	db, err := buffer.Open(filepath.Join(t.TempDir(), "db"), buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	j := journal.New(db)
	ids, err := j.Append(evs...)
	if err != nil {
		t.Fatal(err)
	}
	return j, ids
}
