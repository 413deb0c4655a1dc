package detect

import (
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Boundary tests: each sits exactly on a window's edge and one nanosecond
// past it, so "<=" turned into "<", or a window that forgets the clock
// skew, fails here. The helpers give every sale the same card; these tests
// set cards themselves.

// pairingAlerts are the kinds that mean a sale and a receipt were not
// taken for one checkout.
var pairingAlerts = []string{KindPaymentWithoutReceipt, KindReceiptWithoutPayment, KindAmountMismatch}

func hasAny(as []Alert, kinds ...string) bool {
	return slices.ContainsFunc(as, func(a Alert) bool { return slices.Contains(kinds, a.Kind) })
}

// TestMatchWindowBoundary: a sale and its receipt exactly MatchWindow +
// ClockSkew apart, in either order, are one checkout; a nanosecond more
// and they are not. ReceiptWait is long, so only the match window decides.
func TestMatchWindowBoundary(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MatchWindow, cfg.ClockSkew, cfg.ReceiptWait = 30*sec, 2*sec, 10*time.Minute
	edge := cfg.MatchWindow + cfg.ClockSkew
	for _, c := range []struct {
		name    string
		gap     time.Duration // receipt time minus sale time
		matched bool
	}{
		{"receipt after, on the edge", edge, true},
		{"receipt after, a nanosecond past", edge + 1, false},
		// Receipt first: the receipt's window closes when the clock reaches
		// its end, before an event at that very instant is observed (Lane
		// advances the clock to an event's time first), so the last
		// instant that still matches is a nanosecond inside the edge.
		{"receipt before, a nanosecond inside the edge", -edge + 1, true},
		{"receipt before, on the edge", -edge, false},
		{"receipt after, inside the window but past MatchWindow alone", cfg.MatchWindow + sec, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			at := time.Minute
			steps := []step{obs(status(0, nil)), obs(linkEv(0, "terminal", true))}
			if c.gap >= 0 {
				steps = append(steps, obs(sale(at, 2040, "000470")), obs(rcpt(at+c.gap, "0042", card(2040))))
			} else {
				steps = append(steps, obs(rcpt(at+c.gap, "0042", card(2040))), obs(sale(at, 2040, "000470")))
			}
			got := run(New(cfg), append(steps, adv(30*time.Minute)))
			if matched := !hasAny(got, pairingAlerts...); matched != c.matched {
				t.Errorf("matched %v, want %v: %v", matched, c.matched, kinds(got))
			}
		})
	}
}

// otherCard sets a sale's (masked) card.
func otherCard(p *drivers.Payment, card string) *drivers.Payment {
	return with(p, func(p *drivers.Payment) { p.Card = card })
}

// TestDuplicateWindowBoundary: two sales of the same card and amount
// exactly DuplicateWindow apart with one receipt are a duplicate charge;
// a nanosecond more and the second is only a payment without receipt.
func TestDuplicateWindowBoundary(t *testing.T) {
	cfg := DefaultConfig()
	cfg.DuplicateWindow, cfg.MatchWindow, cfg.ReceiptWait, cfg.ClockSkew = 3*time.Minute, 20*sec, 30*sec, 2*sec
	for _, c := range []struct {
		name string
		gap  time.Duration
		dup  bool
	}{
		{"on the edge", cfg.DuplicateWindow, true},
		{"a nanosecond past", cfg.DuplicateWindow + 1, false},
		{"well inside", 40 * sec, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := run(New(cfg), []step{
				obs(status(0, nil)), obs(linkEv(0, "terminal", true)),
				obs(sale(10*sec, 2040, "000470")),
				obs(rcpt(12*sec, "0042", card(2040))),
				obs(sale(10*sec+c.gap, 2040, "000471")),
				adv(30 * time.Minute),
			})
			if dup := hasAny(got, KindDuplicateCharge); dup != c.dup {
				t.Errorf("duplicate_charge %v, want %v: %v", dup, c.dup, kinds(got))
			}
			if !c.dup && !hasAny(got, KindPaymentWithoutReceipt) {
				t.Errorf("the second sale is no duplicate but still has no receipt: %v", kinds(got))
			}
		})
	}
}

// TestTwoCardsSameAmount: two sales of the same amount on two different
// cards, one receipt for the first: the second is a payment without
// receipt, never a duplicate charge (it is another customer's card).
// And the same card twice is one, so the test can fail.
func TestTwoCardsSameAmount(t *testing.T) {
	for _, c := range []struct {
		name   string
		second string
		dup    bool
	}{
		{"two cards", "552288******7777", false},
		{"same card", "493702******0001", true},
		{"same last 4, other bank", "622588******0001", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := run(New(DefaultConfig()), []step{
				obs(status(0, nil)), obs(linkEv(0, "terminal", true)),
				obs(otherCard(sale(10*sec, 2040, "000470"), "493702******0001")),
				obs(rcpt(12*sec, "0042", card(2040))),
				obs(otherCard(sale(60*sec, 2040, "000471"), c.second)),
				adv(30 * time.Minute),
			})
			if dup := hasAny(got, KindDuplicateCharge); dup != c.dup {
				t.Errorf("duplicate_charge %v, want %v: %v", dup, c.dup, kinds(got))
			}
			if !hasAny(got, KindPaymentWithoutReceipt, KindDuplicateCharge) {
				t.Errorf("the second sale has no receipt and raised nothing: %v", kinds(got))
			}
		})
	}
}
