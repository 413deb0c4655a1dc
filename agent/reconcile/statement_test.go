package reconcile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// TestBadRowsAll: every bad row is reported with its line, the character
// column of the bad field, the field and the cause, and the good rows are
// read all the same (it stopped at the first bad row).
func TestBadRowsAll(t *testing.T) {
	csv := "交易日期,金额,交易类型\n" +
		"2026-11-22,1.00,消费\n" +
		"2026-11-22,abc,消费\n" + // line 3: amount, column 12
		"22/11/2026,2.00,消费\n" + // line 4: date, column 1
		"2026-11-22,3.00,gift\n" + // line 5: type, column 17
		"2026-11-22,\"4.00,消费\n" // line 6 to EOF: a quote never closed
	rows, err := ReadStatement(strings.NewReader(csv), Options{Location: time.UTC})
	var bad BadRows
	if !errors.As(err, &bad) || !errors.Is(err, ErrStatement) {
		t.Fatalf("err %v, want BadRows", err)
	}
	if len(rows) != 1 || rows[0].Amount != 100 {
		t.Fatalf("good rows %+v, want the one on line 2", rows)
	}
	var got []string
	for _, r := range bad {
		got = append(got, r.Error())
	}
	want := []string{
		`line 3, column 12: amount: "abc" is not an amount in the lane's currency`,
		`line 4, column 1: date: "22/11/2026": want e.g. 2026-11-22`,
		`line 5, column 17: type: "gift" is not a sale, refund, void, preauth or capture`,
	}
	if len(got) != 4 || strings.Join(got[:3], "\n") != strings.Join(want, "\n") || bad[3].Field != "csv" || bad[3].Line != 6 {
		t.Fatalf("bad rows:\n%s\nwant:\n%s\nand a csv error on line 6", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestStatementEncodings: the same statement as UTF-8 (with or without a
// BOM), UTF-16 with its BOM (Excel's "Unicode text"), GBK, Windows-1252
// and Latin-1 reads to the same rows, detected or named.
func TestStatementEncodings(t *testing.T) {
	de := "Datum;Betrag;Währung;Händler\n22.11.2026;68,00;EUR;Bäckerei Müller\n22.11.2026;12,50;EUR;Café Größe\n"
	cn := "交易日期,交易金额,商户名称\n2026-11-22,68.00,天天超市\n2026-11-22,12.50,好又多\n"
	cp1252, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(de))
	latin1, _ := charmap.ISO8859_1.NewEncoder().Bytes([]byte(de))
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(cn))
	u16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(strings.ReplaceAll(de, ";", "\t")))
	for _, tc := range []struct {
		name, encoding string
		data           []byte
	}{
		{"utf-8", "", []byte(de)},
		{"utf-8 bom", "", append([]byte("\xEF\xBB\xBF"), de...)},
		{"utf-16 bom", "", u16},
		{"windows-1252", "", cp1252},
		{"latin-1", "", latin1},
		{"latin-1 named", "latin-1", latin1},
		{"gbk", "", gbk},
		{"gbk named", "gbk", gbk},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := ReadStatement(bytes.NewReader(tc.data), Options{Location: time.UTC, Encoding: tc.encoding, Currency: "EUR"})
			if err != nil || len(rows) != 2 || rows[0].Amount != 6800 || rows[1].Amount != 1250 {
				t.Fatalf("rows %+v, %v", rows, err)
			}
		})
	}
	if _, err := ReadStatement(bytes.NewReader(cp1252), Options{Encoding: "utf-8"}); err == nil || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Fatalf("Windows-1252 read as UTF-8: %v", err)
	}
	if _, err := ReadStatement(bytes.NewReader(cp1252), Options{Encoding: "ebcdic"}); err == nil || !strings.Contains(err.Error(), "windows-1252") {
		t.Fatalf("unknown encoding: %v", err)
	}
}

// TestGermanStatementFile: testdata/acquirer-de-cp1252.csv (Windows-1252,
// CRLF, German headers, decimal commas) is read without options.
func TestGermanStatementFile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "acquirer-de-cp1252.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ReadStatement(bytes.NewReader(b), Options{Location: time.UTC})
	if err != nil || len(rows) != 3 || rows[0].Amount != 6800 || rows[2].Amount != 500 || rows[0].Currency != "EUR" ||
		rows[0].Card != "************4771" || rows[0].AuthCode != "A12345" || rows[2].Type != "refund" {
		t.Fatalf("rows %+v, %v", rows, err)
	}
}
