package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/buffer"
)

// t0 is the fake clock's start.
var t0 = time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)

// fullPAN is a Luhn-valid card number injected into every test alert: no
// request may carry it.
const fullPAN = "6222021234567890128"

// openQueue is a channel queue in a fresh on-disk Badger database.
func openQueue(t *testing.T, dir string) (*buffer.DB, *buffer.Queue) {
	t.Helper()
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "db")
	}
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, db.Queue(QueuePrefix + "test")
}

// alert is a payment_without_receipt number i, its summary and card
// carrying a full card number (as a broken decoder might).
func alert(i int, at time.Time) detect.Alert {
	al := detect.Alert{
		ID: fmt.Sprintf("%016x", 0xa1e47000+i), Incident: fmt.Sprintf("%016x", 0xb0000+i),
		Kind: detect.KindPaymentWithoutReceipt, Severity: detect.Critical, State: detect.Raised,
		Site: "store-12", Lane: "lane-3", Time: at, Detected: at.Add(90 * time.Second),
		Payment: &detect.PaymentEvidence{Type: "sale", Result: "approved", Amount: 3550, Currency: "CNY",
			Trace: fmt.Sprintf("%06d", i), Card: fullPAN, Time: at},
		Currency: "CNY", Device: "terminal", Cashier: "007 李静",
	}
	al.Summary = words.Summary(&al, words.ZH, time.UTC) + " card " + fullPAN
	return al
}

// put stores alerts in a queue as Set.Offer does.
func put(t *testing.T, q *buffer.Queue, als ...detect.Alert) {
	t.Helper()
	for _, al := range als {
		b, err := json.Marshal(al)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.Put(al.ID, buffer.ParseClass(string(al.Severity)), b); err != nil {
			t.Fatal(err)
		}
	}
}

// drive steps a sink on the fake clock *now until nothing is left to do
// or until is reached; each step sets *now first (the test servers read
// it as the time of a request).
func drive(t *testing.T, s *Sink, now *time.Time, until time.Time) {
	t.Helper()
	for range 100000 {
		next, _ := s.Step(context.Background(), *now)
		switch {
		case next.IsZero():
			return
		case next.After(until):
			*now = until
			return
		case next.After(*now):
			*now = next
		}
	}
	t.Fatal("sink never settled")
}

// maxInWindow is the most requests in any window of length w.
func maxInWindow(times []time.Time, w time.Duration) int {
	most := 0
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < w; j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}
