package demo

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// luhn appends the Luhn check digit to a digit string.
func luhn(body string) string {
	sum := 0
	double := true
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return body + string(rune('0'+(10-sum%10)%10))
}

func TestLuhn(t *testing.T) {
	for _, p := range []string{"4111111111111111", "5500005555555559", "6011000990139424"} {
		if got := luhn(p[:len(p)-1]); got != p {
			t.Errorf("luhn(%s) = %s", p[:len(p)-1], got)
		}
	}
}

// TestNoFullCardNumberEscapes puts Luhn-valid full card numbers into ZVT
// BMP 22 on the wire and searches the Badger directory, the capture, the
// MQTT payloads and the agent's debug log for them.
func TestNoFullCardNumberEscapes(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("end-to-end")
	}
	// The last one is printed in full by a careless register on a receipt.
	pans := []string{"4111111111111111", "5500005555555559", luhn("622588123456789012"), "6011000990139424"}
	s := time.Second
	shift := []sim.Action{
		{At: 0, EnableStatus: true},
		// A matched sale, a payment with no receipt (published with its card), and an under-charge.
		{At: 500 * time.Millisecond, Sale: &sim.CardSale{Requested: 4510, Currency: 156, Trace: "000201", ReceiptNo: "0201", AuthCode: "111111", PAN: pans[0], Terminal: "52523535"}},
		{At: 2 * s, Print: &sim.Receipt{Number: "0201", Items: []sim.Item{{Name: "COFFEE", Amount: 4510}, {Name: "CARD 6011000990139424", Amount: 0}}, Tenders: []sim.Tender{{Kind: "card", Amount: 4510}}}},
		{At: 3 * s, Sale: &sim.CardSale{Requested: 990, Currency: 156, Trace: "000202", ReceiptNo: "0202", AuthCode: "222222", PAN: pans[1], Terminal: "52523535"}},
		{At: 5 * s, Sale: &sim.CardSale{Requested: 100, Currency: 156, Trace: "000203", ReceiptNo: "0203", AuthCode: "333333", PAN: pans[2], Terminal: "52523535"}},
		{At: 6*s + 500*time.Millisecond, Print: &sim.Receipt{Number: "0203", Items: []sim.Item{{Name: "TEA", Amount: 1000}}, Tenders: []sim.Tender{{Kind: "card", Amount: 1000}}}},
	}
	logs := &testutil.Buffer{}
	var out bytes.Buffer
	dir := t.TempDir()
	res, err := Run(context.Background(), Options{
		Dir: dir, Out: &out, Shift: shift,
		Expect: []string{"payment_without_receipt", "amount_mismatch"},
		Log:    slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	var payloads [][]byte
	for _, a := range res.Alerts {
		payloads = append(payloads, mustJSON(t, a))
		if a.Payment != nil {
			if c := a.Payment.Card; len(c) < 13 || strings.Trim(c[6:len(c)-4], "*") != "" {
				t.Errorf("card %q is not masked to first 6 / last 4", c)
			}
		}
	}
	if len(res.Alerts) < 2 {
		t.Fatalf("want at least 2 alerts, got %d", len(res.Alerts))
	}
	if len(logs.Bytes()) == 0 {
		t.Fatal("the agent logged nothing at debug level: the log check would prove nothing")
	}
	noCardData(t, pans, dir, append(payloads, logs.Bytes(), out.Bytes())...)
}
