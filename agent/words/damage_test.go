package words_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
)

// TestDamageSentence: an alert lowered because its evidence may sit in
// damaged bytes says so, in every language, instead of blaming a link.
func TestDamageSentence(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 1, 3, 0, time.UTC)
	tender := int64(12000)
	al := detect.Alert{
		Kind: detect.KindReceiptWithoutPayment, Severity: detect.Warning, State: detect.Raised, Time: at,
		Receipt: &detect.ReceiptEvidence{Number: "0042", CardTender: &tender, Time: at},
		Damage:  &detect.DamageEvidence{Device: "terminal", Role: detect.RoleTerminal, Time: at, What: "crc", Frames: 1},
	}
	want := map[words.Lang]string{
		words.EN: "A terminal frame at 10:01:03 UTC failed its check: the payment may be in it.",
		words.DE: "Prüfsumme",
		words.ZH: "校验失败",
	}
	for lang, w := range want {
		s := words.Summary(&al, lang, time.UTC)
		if !strings.Contains(s, w) || strings.Contains(s, "link") {
			t.Errorf("%s: %q, want it to say %q and not blame a link", lang, s, w)
		}
	}
}

// TestRefundMismatchSummary: an amount_mismatch on a refund says how much
// too much (or too little) went back to the card.
func TestRefundMismatchSummary(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 1, 16, 0, time.UTC)
	back, delta := int64(-5800), int64(52200)
	al := detect.Alert{
		Kind: detect.KindAmountMismatch, Severity: detect.Critical, State: detect.Raised, Time: at, Currency: "CNY",
		Payment: &detect.PaymentEvidence{Type: "refund", Result: "approved", Amount: 58000, Currency: "CNY", Trace: "000481", Time: at},
		Receipt: &detect.ReceiptEvidence{Number: "0051", CardTender: &back, Time: at},
		Delta:   &delta,
	}
	s := words.Summary(&al, words.EN, time.UTC)
	for _, w := range []string{"580.00", "gives back", "58.00", "522.00 too much went back to the card"} {
		if !strings.Contains(s, w) {
			t.Errorf("summary %q lacks %q", s, w)
		}
	}
	if zh := words.Summary(&al, words.ZH, time.UTC); !strings.Contains(zh, "多了") {
		t.Errorf("zh summary %q lacks 多了", zh)
	}
}
