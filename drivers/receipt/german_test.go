package receipt

import (
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestCaseFolding: labels with letters beyond ASCII match whatever case
// the register prints them in (they matched only as written: "Rückgeld"
// did not find RÜCKGELD), with full Unicode case folding (ß and SS), and
// stand as whole words in any Latin script ("Bar" is not in "Barübergabe").
func TestCaseFolding(t *testing.T) {
	p, err := parse("test.yaml", []byte(`name: test
labels:
  total: [Summe]
  change: [Rückgeld]
  number: [Straße Nr]
tenders:
  cash: [Bar]
  card: [ÉLAN]
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		lines []string
		want  fields
	}{
		{"as written", []string{"Summe 21,22", "Bar 50,00", "Rückgeld 28,78"}, fields{"", 2122, 2122, 2878, "cash:5000", false}},
		{"upper case", []string{"SUMME 21,22", "BAR 50,00", "RÜCKGELD 28,78"}, fields{"", 2122, 2122, 2878, "cash:5000", false}},
		{"lower case", []string{"summe 21,22", "bar 50,00", "rückgeld 28,78"}, fields{"", 2122, 2122, 2878, "cash:5000", false}},
		{"ß as SS", []string{"STRASSE NR 17", "SUMME 1,00"}, fields{"17", 100, 100, -1, "", false}},
		{"accented label", []string{"élan 9,99", "SUMME 9,99"}, fields{"", 999, 999, -1, "card:999", false}},
		{"whole words beyond ASCII", []string{"Barübergabe 5,00", "Summe 5,00", "Rückgeldlos 1,00"}, fields{"", 500, 500, -1, "", false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &drivers.Receipt{Lines: lines(tc.lines...)}
			p.Extract(r)
			if got := view(r); got != tc.want {
				t.Fatalf("fields\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	// Labels that differ only in case or ß/SS are the same label.
	if _, err := parse("dup.yaml", []byte("name: d\nlabels:\n  total: [Straße]\n  due: [STRASSE]\n")); err == nil {
		t.Fatal("STRASSE and Straße accepted as two labels")
	}
}

// TestGerman: the de-retail profile on German receipt lines: card and cash
// tenders, change, due after a voucher, reprint markers, and the terminal's
// customer slip that is no reprint.
func TestGerman(t *testing.T) {
	p, err := Builtin("de-retail")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		lines []string
		want  fields
	}{
		{"girocard", []string{"Beleg-Nr. 0815", "Summe EUR 12,50", "girocard EUR 12,50", "Kundenbeleg", "Betrag EUR 12,50"},
			fields{"0815", 1250, 1250, -1, "card:1250", false}},
		{"EC-Karte and cash", []string{"Gesamtbetrag 40,00", "EC-Karte 30,00", "Bar 20,00", "Rückgeld 10,00"},
			fields{"", 4000, 4000, 1000, "card:3000,cash:2000", false}},
		{"voucher, then due", []string{"Summe 25,00", "Gutschein -10,00", "Zu zahlen 15,00", "Bar 15,00"},
			fields{"", 2500, 1500, -1, "voucher:-1000,cash:1500", false}},
		{"copy", []string{"*** Bon-Kopie ***", "Bon-Nr. 4711", "SUMME 21,22"}, fields{"4711", 2122, 2122, -1, "", true}},
		{"Zweitschrift", []string{"ZWEITSCHRIFT", "SUMME 21,22"}, fields{"", 2122, 2122, -1, "", true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &drivers.Receipt{Lines: lines(tc.lines...)}
			p.Extract(r)
			if got := view(r); got != tc.want {
				t.Fatalf("fields\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
