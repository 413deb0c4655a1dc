package journalapi

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/receipt"
	"github.com/tillwatch/tillwatch/internal/golden"
)

func TestParseQuery(t *testing.T) {
	q, err := ParseQuery(url.Values{"date": {"2026-11-22"}, "amount": {"68.00"}, "last4": {"4771"}, "type": {"payment, receipt"}}, "CNY", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	if !q.From.Equal(at("2026-11-22 00:00:00")) || !q.To.Equal(at("2026-11-23 00:00:00")) || *q.Amount != 6800 || q.Last4 != "4771" || len(q.Types) != 2 {
		t.Fatalf("query %+v", q)
	}
	for _, bad := range []url.Values{
		{"date": {"22.11.2026"}}, {"date": {"2026-11-22"}, "from": {"2026-11-22 10:00"}},
		{"last4": {"47"}}, {"from": {"yesterday"}}, {"limit": {"-1"}}, {"amount": {"1.234"}},
	} {
		if _, err := ParseQuery(bad, "CNY", shanghai); err == nil {
			t.Errorf("ParseQuery(%v): no error", bad)
		}
	}
}

// TestSearchTableAndShow: the CLI's table and show forms (golden).
func TestSearchTableAndShow(t *testing.T) {
	j, ids := openJournal(t, day())
	q, err := ParseQuery(url.Values{"date": {"2026-11-22"}, "amount": {"68.00"}}, "CNY", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Search(j, q, "CNY")
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	for _, e := range res.Entries {
		rows = append(rows, e.Row)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, rows, shanghai); err != nil {
		t.Fatal(err)
	}
	q.Amount, q.Last4 = nil, "1111"
	res, _ = Search(j, q, "CNY")
	if len(res.Entries) != 3 {
		t.Errorf("last4 1111: %d entries, want 3 (declined, sale, refund)", len(res.Entries))
	}
	for _, id := range []string{ids[2], ids[1], ids[9]} {
		e, err := Get(j, id, "CNY")
		if err != nil {
			t.Fatal(err)
		}
		s, err := Show(e, shanghai)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("\n" + s)
	}
	if strings.Contains(b.String(), "6222021234564771") {
		t.Fatal("a full card number in the output")
	}
	golden.Check(t, "testdata/search_show.txt", b.Bytes())
}

// TestCopyIsReprint: the copy decodes (with the lane's printer settings)
// to the same lines under a COPY / 副本 header, and every builtin receipt
// profile marks it a reprint, so detection never counts it as a receipt.
// Chinese lines print in the printer's double-byte set whatever the
// receipt profile is called (the copy used to guess from a "cn-" prefix).
func TestCopyIsReprint(t *testing.T) {
	orig := day()[2].(*drivers.Receipt)
	en := &drivers.Receipt{Lines: []drivers.Line{{Text: "TILLWATCH MART", Bold: true, Align: "center"}, {Text: "RECEIPT 0042"},
		{Text: "TOTAL                  20.40", Underline: true}, {Text: "VISA                   20.40", Inverse: true}, {Text: "Grüße", Align: "right"}}}
	xprinter, err := escpos.PrinterByName("xprinter")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		r       *drivers.Receipt
		p       escpos.Options
		header  string
		profile string
	}{
		{"gbk", orig, escpos.Options{ChineseDefault: true}, CopyHeaderChinese, "cn-supermarket"},
		{"gbk-generic", orig, escpos.Options{ChineseDefault: true}, CopyHeaderChinese, "generic"},
		{"gbk-xprinter", orig, escpos.Options{Printer: xprinter}, CopyHeaderChinese, "restaurant"},
		{"cp858", en, escpos.Options{CodePage: "cp858"}, CopyHeader, "en-retail"},
		{"cp437-on-chinese", en, escpos.Options{ChineseDefault: true}, CopyHeader, "restaurant"},
		{"chinese-lines-plain-printer", orig, escpos.Options{}, CopyHeaderChinese, "generic"},
	} {
		t.Run(c.name, func(t *testing.T) {
			enc, err := escpos.NewEncoder(c.p)
			if err != nil {
				t.Fatal(err)
			}
			job := Copy(c.r, enc)
			prof, err := receipt.Builtin(c.profile)
			if err != nil {
				t.Fatal(err)
			}
			o := c.p
			o.Fields = prof
			dec := escpos.New(o)
			evs := dec.Feed(drivers.Chunk{Time: at("2026-11-22 15:00:00"), Data: job})
			evs = append(evs, dec.Flush(at("2026-11-22 15:01:00"))...)
			if len(evs) != 1 {
				t.Fatalf("%d events from the copy, want 1 receipt", len(evs))
			}
			got := evs[0].(*drivers.Receipt)
			if !got.Reprint || !got.Cut {
				t.Fatalf("copy decoded as reprint=%v cut=%v", got.Reprint, got.Cut)
			}
			if got.Lines[0].Text != c.header || !got.Lines[0].DoubleHeight {
				t.Fatalf("first line %+v, want the header %q", got.Lines[0], c.header)
			}
			for i, l := range c.r.Lines {
				g := got.Lines[i+1]
				if g.Text != l.Text {
					t.Errorf("line %d: %q, want %q", i, g.Text, l.Text)
				}
				if g.Bold != l.Bold || g.Align != l.Align || g.Underline != l.Underline || g.Inverse != l.Inverse {
					t.Errorf("line %d style %+v, want %+v", i, g, l)
				}
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	j, _ := openJournal(t, day())
	s, err := Summarize(j, "shop", "lane-1", "2026-11-22", "", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	golden.Check(t, "testdata/summary.json", append(b, '\n'))
	if s.Receipts != (Total{3, 6800 + 5550 + 1200}) || s.Reprints != 1 || s.Tenders[drivers.TenderCard] != (Total{2, 6800 + 3550}) ||
		s.Tenders[drivers.TenderCash] != (Total{2, 2000 + 1200}) || s.Change != (Total{1, 300}) || s.Sales != (Total{2, 6800 + 3550}) || s.Refunds != (Total{1, 3550}) ||
		s.Declined != 1 || len(s.Settlements) != 1 || s.Currency != "CNY" {
		t.Fatalf("summary %s", b)
	}
	if s.ID != SummaryID("shop", "lane-1", "2026-11-22") || s.ID == SummaryID("shop", "lane-1", "2026-11-21") {
		t.Fatal("summary id not derived from lane and day")
	}
}

// TestSummarizeWatched: a day before the agent began watching is
// unwatched; the day it began is partial, watched from then (its first
// start, or the journal's oldest event when that is older).
func TestSummarizeWatched(t *testing.T) {
	j, _ := openJournal(t, day())
	if err := j.Begin(at("2026-11-23 09:00:00")); err != nil { // first start: the journal's first event is older
		t.Fatal(err)
	}
	s, err := Summarize(j, "shop", "lane-1", "2026-11-21", "", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Partial || s.Unwatched || !s.WatchedFrom.Equal(at("2026-11-21 23:59:00")) || s.Receipts.Count != 1 {
		t.Fatalf("the day the journal begins: %+v", s)
	}
	var b strings.Builder
	if err := WriteSummary(&b, s); err != nil || !strings.Contains(b.String(), "(watched only from 23:59 CST)") {
		t.Fatalf("%v\n%s", err, b.String())
	}
	s, err = Summarize(j, "shop", "lane-1", "2026-11-20", "", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Partial || !s.Unwatched || s.Receipts.Count != 0 {
		t.Fatalf("a day before the journal: %+v", s)
	}
	b.Reset()
	if err := WriteSummary(&b, s); err != nil || !strings.Contains(b.String(), "did not run that day") {
		t.Fatalf("%v\n%s", err, b.String())
	}
}
