package sim

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// BusyShift is a long, busy and clean lane: n checkouts with realistic
// jitter (a customer every 20-60s, receipts 0.5-6s after approval, some
// registers printing first), in every ordinary variety: card, cash, card
// plus cash, two cards, declined then another card, a sale voided before
// its receipt and paid in cash, a refund on register and terminal, a
// reprint, an approval the register refused (the terminal reverses it) and
// a second swipe, and an end-of-day with the right totals every 1,500
// checkouts and at the end. Nothing in it should raise an alert. The same
// seed gives the same shift.
func BusyShift(seed uint64, n int) []Action {
	rng := rand.New(rand.NewPCG(seed, 0x7111))
	var acts []Action
	at := time.Duration(0)
	termNo, regNo, trace := 0, 0, 0
	batchFrom, batchCount, batchTotal := 1, 0, int64(0)
	busyUntil := time.Duration(0) // the lane is free again (one customer at a time)
	add := func(a Action) {
		acts = append(acts, a)
		busyUntil = max(busyUntil, a.At+3*time.Second)
	}
	ms := func(lo, hi int) time.Duration { return time.Duration(lo+rng.IntN(hi-lo+1)) * time.Millisecond }
	card := func() string { return fmt.Sprintf("%06d******%04d", 400000+rng.IntN(200000), rng.IntN(10000)) }
	next := func() (string, string) {
		termNo++
		trace++
		return fmt.Sprintf("%06d", trace), fmt.Sprintf("%04d", (termNo-1)%9999+1)
	}
	sale := func(t time.Duration, amt int64, pan string) (time.Duration, string) {
		tr, no := next()
		add(Action{At: t, Sale: &CardSale{Requested: amt, Trace: tr, ReceiptNo: no, AuthCode: "A" + tr[2:], PAN: wireCard(pan), Terminal: defaultTerminal}})
		batchCount++
		batchTotal += amt
		return t + 1300*time.Millisecond, no
	}
	receipt := func(t time.Duration, items int64, tenders ...Tender) *Receipt {
		regNo++
		return &Receipt{Number: fmt.Sprintf("%05d", regNo), Items: []Item{{"GOODS", items}}, Tenders: tenders, Chinese: regNo%7 == 0}
	}
	var last *Receipt
	add(Action{At: 0, EnableStatus: true})
	at = 2 * time.Second
	for i := range n {
		at = max(at, busyUntil) + ms(15000, 50000)
		amt := int64(100 + rng.IntN(30000))
		pan := card()
		switch k := rng.IntN(100); {
		case k < 50: // card
			done, _ := sale(at, amt, pan)
			last = receipt(at, amt, Tender{"card", amt})
			add(Action{At: done + ms(500, 6000), Print: last})
		case k < 70: // cash
			last = receipt(at, amt, Tender{"cash", amt + int64(rng.IntN(2000))})
			last.Drawer = true
			add(Action{At: at, Print: last})
		case k < 75: // receipt first
			last = receipt(at, amt, Tender{"card", amt})
			add(Action{At: at, Print: last})
			sale(at+ms(5000, 20000), amt, pan)
		case k < 80: // card and cash
			part := amt/2 + 1
			done, _ := sale(at, part, pan)
			last = receipt(at, amt, Tender{"card", part}, Tender{"cash", amt - part})
			add(Action{At: done + ms(500, 4000), Print: last})
		case k < 84: // two cards
			part := amt/3 + 1
			done, _ := sale(at, part, pan)
			done, _ = sale(done+ms(8000, 25000), amt-part, card())
			last = receipt(at, amt, Tender{"card", part}, Tender{"card", amt - part})
			add(Action{At: done + ms(500, 4000), Print: last})
		case k < 88: // declined, then another card
			tr, no := next()
			add(Action{At: at, Sale: &CardSale{Requested: amt, Declined: true, Trace: tr, ReceiptNo: no, PAN: wireCard(pan), Terminal: defaultTerminal}})
			done, _ := sale(at+ms(10000, 30000), amt, card())
			last = receipt(at, amt, Tender{"card", amt})
			add(Action{At: done + ms(500, 4000), Print: last})
		case k < 91: // voided before the receipt, paid in cash
			done, no := sale(at, amt, pan)
			tr, vno := next()
			add(Action{At: done + ms(3000, 15000), Void: &CardVoid{Original: no, Amount: amt, Trace: tr, ReceiptNo: vno, PAN: wireCard(pan), Terminal: defaultTerminal}})
			batchCount--
			batchTotal -= amt
			last = receipt(at, amt, Tender{"cash", amt})
			add(Action{At: done + ms(20000, 30000), Print: last})
		case k < 94: // a return: refund receipt and terminal refund
			r := receipt(at, -amt, Tender{"card", -amt})
			r.Refund = true
			add(Action{At: at, Print: r})
			tr, no := next()
			add(Action{At: at + ms(5000, 20000), Refund: &CardRefund{Amount: amt, Trace: tr, ReceiptNo: no, PAN: wireCard(pan), Terminal: defaultTerminal}})
			batchCount++
			batchTotal -= amt
		case k < 97: // a card sale, then a reprint of the previous receipt
			done, _ := sale(at, amt, pan)
			cur := receipt(at, amt, Tender{"card", amt})
			add(Action{At: done + ms(500, 6000), Print: cur})
			if last != nil {
				cp := *last
				cp.Copy = true
				add(Action{At: done + ms(10000, 15000), Print: &cp})
			}
			last = cur
		default: // the register refuses an approval; the terminal reverses it; swipe again
			tr, no := next()
			add(Action{At: at, Sale: &CardSale{Requested: amt, Refused: true, Trace: tr, ReceiptNo: no, PAN: wireCard(pan), Terminal: defaultTerminal}})
			done, _ := sale(at+ms(15000, 25000), amt, pan)
			last = receipt(at, amt, Tender{"card", amt})
			add(Action{At: done + ms(500, 4000), Print: last})
		}
		if (i+1)%1500 == 0 || i == n-1 {
			at = max(at, busyUntil) + 3*time.Minute
			tr, _ := next()
			add(Action{At: at, EndOfDay: &EndOfDay{Count: batchCount, Total: batchTotal, From: fmt.Sprintf("%04d", (batchFrom-1)%9999+1),
				To: fmt.Sprintf("%04d", (termNo-1)%9999+1), Trace: tr, Terminal: defaultTerminal}})
			batchFrom, batchCount, batchTotal = termNo+1, 0, 0
		}
	}
	return acts
}
