package zvt

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/slip"
)

// deEn is the German/English slip profile.
func deEn(t *testing.T) *slip.Profile {
	t.Helper()
	p, err := slip.Builtin("de-en")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// receipts returns the receipts among evs.
func receipts(evs []drivers.Event) []*drivers.Receipt {
	var rs []*drivers.Receipt
	for _, e := range evs {
		if r, ok := e.(*drivers.Receipt); ok {
			rs = append(rs, r)
		}
	}
	return rs
}

func text(r *drivers.Receipt) string {
	var b strings.Builder
	for _, l := range r.Lines {
		b.WriteString(l.Text + "\n")
	}
	return b.String()
}

// TestSlipCharsets decodes the real 06 D3 slips: hobex in CP437, TSS in
// Latin-1, both with charset auto, and the forced charsets.
func TestSlipCharsets(t *testing.T) {
	vs := loadVectors(t)
	cases := []struct {
		id, charset, want, profile string
	}{
		{"portalum-Parse_MerchantReceipt_Successful", "", "HÄNDLERBELEG", "slip:de-en"},
		{"portalum-Parse_CardholderReceipt_Successful", "", "für PORTALUM", "slip:de-en"},
		{"portalum-ProcessData_FullDataPacket_Successful", "", "HÄNDLER-ID", "slip:de-en"},
		{"portalum-ProcessData_FullDataPacket_Successful", CharsetLatin1, "Überprüfung", "slip:de-en"},
		// Forced CP437 on a Latin-1 terminal garbles the marker: no slip.
		{"portalum-ProcessData_FullDataPacket_Successful", CharsetCP437, "H─NDLER-ID", "zvt:merchant"},
		{"portalum-Parse_AdministrationReceipt_Successful", "", "Abschluss - keine TX", "zvt:administration"},
		{"everest-print_system_configuration_reply.blob", "", "Gültigkeit", "zvt:administration"},
	}
	for _, c := range cases {
		t.Run(c.id+"/"+c.charset, func(t *testing.T) {
			d := New(Options{Framing: FramingTCP, Charset: c.charset, Slip: deEn(t)})
			var evs []drivers.Event
			for _, f := range vectorByID(t, vs, c.id).fragments(t) {
				evs = append(evs, d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: f})...)
			}
			evs = append(evs, d.Flush(t0)...)
			rs := receipts(evs)
			if len(rs) != 1 || len(payments(evs)) != 0 {
				t.Fatalf("events = %v (stats %+v)", evs, d.Stats())
			}
			r := rs[0]
			if !strings.Contains(text(r), c.want) {
				t.Errorf("text lacks %q:\n%s", c.want, text(r))
			}
			if r.Profile != c.profile || r.Ended != EndedSlip || r.Cut || len(r.Tenders) != 0 {
				t.Errorf("receipt = profile %q ended %q cut %v tenders %v", r.Profile, r.Ended, r.Cut, r.Tenders)
			}
		})
	}
}

// TestSlipCompletesTerminalOnlyTap: a tap on the terminal's line only sees
// no register command, so the result's type is unknown; the slip that
// follows names it (KAUF) and the fields the result lacks.
func TestSlipCompletesTerminalOnlyTap(t *testing.T) {
	slipAPDU := vectorByID(t, loadVectors(t), "portalum-Parse_CardholderReceipt_Successful").bytes(t)
	status := StatusInfo(StatusFields{Result: 0, Amount: 100, Currency: 978, Trace: "004001", Receipt: "4001"})
	for _, tc := range []struct {
		name  string
		slip  *slip.Profile
		typ   drivers.PaymentType
		auth  string
		order string
	}{
		{"slip after result", deEn(t), drivers.PaySale, "367655", "status-first"},
		{"slip before result (Feig order)", deEn(t), drivers.PaySale, "367655", "slip-first"},
		{"no slip profile", nil, drivers.PayUnknown, "", "status-first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			steps := []step{dev(status), host(Ack()), dev(slipAPDU), host(Ack()), dev(Completion()), host(Ack())}
			if tc.order == "slip-first" {
				steps = []step{dev(slipAPDU), host(Ack()), dev(status), host(Ack()), dev(Completion()), host(Ack())}
			}
			evs := run(New(Options{Framing: FramingTCP, Slip: tc.slip}), steps)
			p := onlyPayment(t, evs)
			if p.Type != tc.typ || p.AuthCode != tc.auth || p.Amount != 100 || p.Trace != "004001" {
				t.Errorf("payment = %+v", p)
			}
			if len(receipts(evs)) != 1 {
				t.Errorf("receipts = %d, want 1", len(receipts(evs)))
			}
			if tc.order == "status-first" {
				if _, ok := evs[0].(*drivers.Payment); !ok {
					t.Errorf("first event is %T, want the payment before its slip", evs[0])
				}
			}
		})
	}
}

// TestSlipNoAmountResult: Portalum's TlvInfos1 is an approved result with
// no amount and no command: a payment only when its slip names the amount.
func TestSlipNoAmountResult(t *testing.T) {
	status := StatusInfo(StatusFields{Result: 0, NoAmount: true, Trace: "004001"})
	slipAPDU := vectorByID(t, loadVectors(t), "portalum-Parse_CardholderReceipt_Successful").bytes(t)
	evs := run(New(Options{Framing: FramingTCP, Slip: deEn(t)}), []step{dev(status), dev(slipAPDU), dev(Completion())})
	p := onlyPayment(t, evs)
	if p.Type != drivers.PaySale || p.Amount != 100 || p.Currency != "EUR" {
		t.Errorf("payment = %+v", p)
	}
	// Without a slip it stays no payment, as before.
	evs = run(New(Options{Framing: FramingTCP, Slip: deEn(t)}), []step{dev(status), dev(Completion())})
	if len(payments(evs)) != 0 {
		t.Errorf("payments without a slip: %+v", payments(evs))
	}
}

// TestSlipOfAnotherTransaction: a slip whose trace differs fills nothing.
func TestSlipOfAnotherTransaction(t *testing.T) {
	status := StatusInfo(StatusFields{Result: 0, Amount: 100, Trace: "000470"})
	slipAPDU := vectorByID(t, loadVectors(t), "portalum-Parse_CardholderReceipt_Successful").bytes(t)
	d := New(Options{Framing: FramingTCP, Slip: deEn(t)})
	evs := run(d, []step{dev(status), dev(slipAPDU)})
	if len(payments(evs)) != 0 {
		t.Fatalf("held result released by a foreign slip: %+v", evs)
	}
	evs = d.Flush(t0)
	p := onlyPayment(t, evs)
	if p.Type != drivers.PayUnknown || p.AuthCode != "" {
		t.Errorf("payment = %+v", p)
	}
}

// TestPrintLines: a slip sent line by line (06 D1) is one receipt, ended by
// the completion; a card number in it is masked.
func TestPrintLines(t *testing.T) {
	var steps []step
	for _, l := range []string{"KUNDENBELEG", "Terminal: 52523535", "Karte 5500005555555559", "KAUF", "BETRAG", "EUR 12,95", "Trace#: 000981", "Autorisierungscode: 750072"} {
		steps = append(steps, dev(Frame(PrintLine(0, []byte(l)))), host(ackByte), host(Frame(Ack())), dev(ackByte))
	}
	steps = append(steps, dev(Frame(Completion())), host(ackByte))
	evs := run(New(Options{Framing: FramingSerial, Slip: deEn(t)}), steps)
	rs := receipts(evs)
	if len(rs) != 1 || len(rs[0].Lines) != 8 {
		t.Fatalf("receipts = %+v", rs)
	}
	got := text(rs[0])
	if strings.Contains(got, "5500005555555559") || !strings.Contains(got, "550000******5559") {
		t.Errorf("card not masked: %q", got)
	}
	if rs[0].Profile != "slip:de-en" || rs[0].Total == nil || *rs[0].Total != 1295 {
		t.Errorf("receipt fields: profile %q total %v", rs[0].Profile, rs[0].Total)
	}
	if !rs[0].Start.Before(rs[0].Time) {
		t.Errorf("start %v not before end %v", rs[0].Start, rs[0].Time)
	}
	// Flush ends lines that no completion followed.
	d := New(Options{Framing: FramingTCP})
	run(d, []step{dev(PrintLine(0, []byte("KAUF")))})
	if rs := receipts(d.Flush(t0)); len(rs) != 1 || rs[0].Lines[0].Text != "KAUF" {
		t.Errorf("flush: %+v", rs)
	}
}

func TestCharsetOption(t *testing.T) {
	if err := (Options{Charset: "utf8"}).Validate(); err == nil {
		t.Error("bad charset accepted")
	}
	if got := pickCharset([][]byte{[]byte("\xC4\xC4\xC4\xC4")}); got != CharsetCP437 {
		t.Errorf("box drawing read as %s", got)
	}
	if got := decodeText([]byte("a\x00b\x85c"), CharsetLatin1); !bytes.Equal([]byte(got), []byte("a b c")) {
		t.Errorf("controls: %q", got)
	}
}

// onlyPayment returns the one payment among evs.
func onlyPayment(t *testing.T, evs []drivers.Event) *drivers.Payment {
	t.Helper()
	ps := payments(evs)
	if len(ps) != 1 {
		t.Fatalf("got %d payments, want 1: %+v", len(ps), ps)
	}
	return ps[0]
}
