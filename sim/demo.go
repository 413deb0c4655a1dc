package sim

import "time"

// DemoShift is the short shift `tillwatch demo` and the end-to-end tests
// play: normal card and cash sales in Chinese (GBK) and English, one
// under-charge, one approved payment while the printer is out of paper (the
// register prints nothing), and one job that is never cut.
func DemoShift() []Action {
	s := time.Second
	groceries := []Item{{"苹果 2kg", 2580}, {"牛奶 1L x4", 4620}, {"大米 5kg", 5600}}
	return []Action{
		{At: 0, Note: "register starts, enables printer status", EnableStatus: true},
		{At: 1 * s, Note: "card sale CNY 120.00 (GBK receipt 0001)", Sale: &CardSale{Requested: 12000, Currency: 156, Trace: "000101", ReceiptNo: "0101", AuthCode: "483920", PAN: "622588EEEEEE4771", Terminal: "52523535"}},
		{At: 2*s + 800*time.Millisecond, Print: &Receipt{Number: "0001", Chinese: true, Items: groceries, Discount: 800, Tenders: []Tender{{"card", 12000}}}},
		{At: 4 * s, Note: "cash sale CNY 45.10 (English receipt 0002, drawer opens)", Print: &Receipt{Number: "0002", Items: []Item{{"COFFEE BEANS 500G", 3290}, {"MILK 1L", 1220}}, Tenders: []Tender{{"cash", 5000}}, Drawer: true}},
		{At: 6 * s, Note: "UNDER-CHARGE: cashier keys 12.00 on the terminal for a 120.00 receipt (0003)", Sale: &CardSale{Requested: 1200, Currency: 156, Trace: "000102", ReceiptNo: "0102", AuthCode: "483921", PAN: "622588EEEEEE9012", Terminal: "52523535"}},
		{At: 7*s + 800*time.Millisecond, Print: &Receipt{Number: "0003", Chinese: true, Items: groceries, Discount: 800, Tenders: []Tender{{"card", 12000}}}},
		{At: 13 * s, Note: "printer runs out of paper", Printer: &PrinterState{PaperEnd: true}},
		{At: 13*s + 500*time.Millisecond, Note: "NO RECEIPT: card sale CNY 35.50 approved while the printer is out of paper", Sale: &CardSale{Requested: 3550, Currency: 156, Trace: "000103", ReceiptNo: "0103", AuthCode: "483922", PAN: "622588EEEEEE5508", Terminal: "52523535"}},
		{At: 18 * s, Note: "paper replaced", Printer: &PrinterState{}},
		{At: 19 * s, Note: "NOT CUT: cash sale receipt 0004 is never cut", Print: &Receipt{Number: "0004", Items: []Item{{"BREAD", 450}}, Tenders: []Tender{{"cash", 500}}, NoCut: true}},
		{At: 24 * s, Note: "card sale CNY 45.10 (English receipt 0005)", Sale: &CardSale{Requested: 4510, Currency: 156, Trace: "000104", ReceiptNo: "0104", AuthCode: "483923", PAN: "622588EEEEEE7735", Terminal: "52523535"}},
		{At: 25*s + 800*time.Millisecond, Print: &Receipt{Number: "0005", Items: []Item{{"COFFEE BEANS 500G", 3290}, {"MILK 1L", 1220}}, Tenders: []Tender{{"card", 4510}}}},
	}
}

// DemoExpected lists the alerts the demo shift must raise ("kind" or
// "kind/resolved"), in the order they are decided.
func DemoExpected() []string {
	return []string{"amount_mismatch", "printer_fault", "payment_without_receipt", "printer_fault/resolved", "print_failed"}
}
