package journal

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

func TestSearch(t *testing.T) {
	db, _ := openDB(t, "")
	j := New(db)
	at := func(s string) time.Time { return ts(t, "2026-11-22T"+s+"Z") }
	due := int64(6800)
	evs := []drivers.Event{
		&drivers.Payment{Head: drivers.Head{Time: at("10:00:00"), Device: "terminal"}, Type: drivers.PaySale, Result: drivers.Approved, Amount: 6800, Card: "622588******4771", AuthCode: "611804", Trace: "000470", ReceiptNo: "0470"},
		&drivers.Receipt{Head: drivers.Head{Time: at("10:00:05"), Device: "printer"}, Number: "0012", Cashier: "007 Li Jing", Due: &due, Total: &due, Tenders: []drivers.Tender{{Kind: drivers.TenderCard, Amount: 6800}}},
		&drivers.Payment{Head: drivers.Head{Time: at("11:00:00"), Device: "terminal"}, Type: drivers.PaySale, Result: drivers.Approved, Amount: 1200, Card: "411111******1111", AuthCode: "222222"},
		&drivers.PrinterStatus{Head: drivers.Head{Time: at("11:30:00"), Device: "printer"}, PaperEnd: true},
		&drivers.Payment{Head: drivers.Head{Time: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), Device: "terminal"}, Type: drivers.PaySale, Result: drivers.Approved, Amount: 6800, Card: "622588******4771", AuthCode: "999999"},
	}
	if _, err := j.Append(evs...); err != nil {
		t.Fatal(err)
	}
	amount := int64(6800)
	day := Query{From: at("00:00:00"), To: at("00:00:00").Add(24 * time.Hour)}
	tests := []struct {
		name  string
		q     Query
		want  int // number of hits
		first string
	}{
		{"the day's receipts and payments", day, 3, "payment"},
		{"amount on the day", Query{From: day.From, To: day.To, Amount: &amount}, 2, "payment"},
		{"amount, any day", Query{Amount: &amount}, 3, "payment"},
		{"last 4 and date", Query{From: day.From, To: day.To, Amount: &amount, Last4: "4771"}, 1, "payment"},
		{"receipt number", Query{Receipt: "0012"}, 1, "receipt"},
		{"terminal receipt number", Query{Receipt: "0470"}, 1, "payment"},
		{"auth code", Query{Auth: "222222"}, 1, "payment"},
		{"printer status by type", Query{Types: []string{"printer_status"}}, 1, "printer_status"},
		{"limit", Query{Limit: 2}, 2, "payment"},
		{"nothing", Query{Auth: "000000"}, 0, ""},
		{"cashier, part of the name, any case", Query{Cashier: "li jing"}, 1, "receipt"},
		{"cashier by number", Query{Cashier: "007"}, 1, "receipt"},
		{"another cashier", Query{Cashier: "Wang"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := j.Search(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Fatalf("%d hits, want %d: %+v", len(got), tt.want, got)
			}
			if tt.want > 0 && got[0].Event.EventType() != tt.first {
				t.Errorf("first hit is a %s, want %s", got[0].Event.EventType(), tt.first)
			}
			for _, e := range got {
				if _, err := j.Get(e.ID); err != nil {
					t.Errorf("Get(%s): %v", e.ID, err)
				}
			}
		})
	}
}
