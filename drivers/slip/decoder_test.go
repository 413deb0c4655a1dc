package slip

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// jobs is an inner decoder that returns one prepared receipt per Feed.
type jobs struct{ rs []*drivers.Receipt }

func (j *jobs) Feed(c drivers.Chunk) []drivers.Event {
	if len(j.rs) == 0 {
		return nil
	}
	r := j.rs[0]
	j.rs = j.rs[1:]
	r.Time = c.Time
	return []drivers.Event{r}
}

func (j *jobs) Flush(time.Time) []drivers.Event { return nil }

// job builds a receipt from a slip file, with a card tender as a receipt
// profile would find on a slip ("MASTERCARD 1,00").
func job(t *testing.T, path string) *drivers.Receipt {
	r := &drivers.Receipt{Cut: true, Ended: "cut", Profile: "generic",
		Tenders: []drivers.Tender{{Kind: drivers.TenderCard, Label: "CARD", Amount: 100}}}
	for _, l := range readLines(t, path) {
		r.Lines = append(r.Lines, drivers.Line{Text: l})
	}
	return r
}

func TestDecoderCopiesAndReprints(t *testing.T) {
	prof, err := Builtin("unionpay")
	if err != nil {
		t.Fatal(err)
	}
	cash := job(t, "testdata/unionpay/not-a-slip.txt")
	inner := &jobs{rs: []*drivers.Receipt{
		job(t, "testdata/unionpay/sale.txt"), // merchant copy: a payment
		job(t, "testdata/unionpay/sale.txt"), // customer copy: the same payment
		cash,                                 // a register receipt: untouched
		job(t, "testdata/unionpay/refund-reprint.txt"), // reprint: no payment
		job(t, "testdata/unionpay/void.txt"),           // the void: a payment
	}}
	d := NewDecoder(inner, prof)
	t0 := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	var pays []*drivers.Payment
	var slips int
	for i := range 5 {
		for _, ev := range d.Feed(drivers.Chunk{Time: t0.Add(time.Duration(i) * 10 * time.Second), Data: []byte{0}}) {
			switch v := ev.(type) {
			case *drivers.Payment:
				pays = append(pays, v)
			case *drivers.Receipt:
				if IsSlip(v) {
					slips++
					if len(v.Tenders) != 0 || v.Due != nil {
						t.Errorf("slip receipt keeps tenders %v / due", v.Tenders)
					}
				}
			}
		}
	}
	if slips != 4 {
		t.Errorf("slips = %d, want 4", slips)
	}
	if len(cash.Tenders) != 1 || IsSlip(cash) {
		t.Errorf("register receipt changed: %+v", cash)
	}
	if len(pays) != 2 {
		t.Fatalf("payments = %d, want 2 (sale once, void): %+v", len(pays), pays)
	}
	if p := pays[0]; p.Type != drivers.PaySale || p.Amount != 12850 || p.Currency != "CNY" || p.Trace != "000981" || p.Card != "622588******4321" {
		t.Errorf("sale = %+v", p)
	}
	if p := pays[1]; p.Type != drivers.PayVoid || p.OriginalTrace != "000981" || p.Amount != 12850 {
		t.Errorf("void = %+v", p)
	}
}

func TestDecoderAnonymousRepeatsExpire(t *testing.T) {
	prof, err := Builtin("unionpay")
	if err != nil {
		t.Fatal(err)
	}
	mk := func() *drivers.Receipt {
		return &drivers.Receipt{Lines: []drivers.Line{{Text: "POS签购单"}, {Text: "交易类型:消费"}, {Text: "金额:RMB 5.00"}}}
	}
	d := NewDecoder(&jobs{rs: []*drivers.Receipt{mk(), mk(), mk()}}, prof)
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	count := 0
	for _, at := range []time.Duration{0, 20 * time.Second, 10 * time.Minute} {
		for _, ev := range d.Feed(drivers.Chunk{Time: t0.Add(at), Data: []byte{0}}) {
			if _, ok := ev.(*drivers.Payment); ok {
				count++
			}
		}
	}
	if count != 2 {
		t.Errorf("payments = %d, want 2 (the copy 20s later is the same sale; 10 min later is a new one)", count)
	}
}

func TestFill(t *testing.T) {
	prof, _ := Builtin("de-en")
	s, err := prof.Read(readLines(t, "testdata/de-en/hobex-customer.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// A result seen without its command and without BMP 04.
	p := &drivers.Payment{Type: drivers.PayUnknown, Result: drivers.Approved, Trace: "000470", TerminalID: "28004869"}
	s.Fill(p)
	if p.Type != drivers.PaySale || p.Amount != 100 || p.Currency != "EUR" || p.AuthCode != "367655" {
		t.Errorf("filled = %+v", p)
	}
	if p.Trace != "000470" || p.TerminalID != "28004869" {
		t.Errorf("Fill overwrote the terminal's own fields: %+v", p)
	}
	// A terminal's amount always wins.
	q := &drivers.Payment{Type: drivers.PaySale, Result: drivers.Approved, Amount: 2040, Currency: "EUR"}
	s.Fill(q)
	if q.Amount != 2040 {
		t.Errorf("Fill changed the amount: %d", q.Amount)
	}
}

func TestProfileErrors(t *testing.T) {
	for name, y := range map[string]string{
		"unknown key": "name: x\nlabels: {amount: [A]}\nbogus: 1\n",
		"no name":     "labels: {amount: [A]}\n",
		"no amount":   "name: x\n",
		"dup label":   "name: x\nlabels: {amount: [A], trace: [a]}\n",
		"bad type":    "name: x\nlabels: {amount: [A]}\ntypes: {purchase: [KAUF]}\n",
		"bad cur":     "name: x\ncurrency: euro\nlabels: {amount: [A]}\n",
	} {
		if _, err := Parse("t.yaml", []byte(y)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Builtin("nope"); err == nil {
		t.Error("unknown builtin accepted")
	}
}
