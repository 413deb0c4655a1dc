package agent_test

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

// TestDecided: Stats.Decided (status.json's "decided") is false while a
// card sale waits for its receipt and turns true only once the detector
// decided it, its payment_without_receipt already stored: a test may wait
// for it instead of sleeping through receipt_wait.
func TestDecided(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	quiet := lanetest.Quiet()
	d := lanetest.NewDemo(t, quiet)
	d.Config.HTTP.Address = ""
	ln := lanetest.Start(t, d.Config, agent.Options{Log: quiet})
	ln.WaitReady(t, 30*time.Second)
	testutil.WaitFor(t, "an idle lane to be decided", 30*time.Second, func() bool { return ln.Stats().Decided })

	d.Play(t, t.Context(), sim.Action{Sale: &sim.CardSale{Requested: 4500, Currency: 156, Trace: "000301",
		ReceiptNo: "0301", AuthCode: "A000301", PAN: "622588EEEEEE0301", Terminal: "52523535"}})
	testutil.WaitFor(t, "the sale to wait for its receipt", 30*time.Second, func() bool {
		return len(ln.Snapshot().Payments) == 1 && !ln.Stats().Decided
	})
	if n := ln.Stats().Alerts; n != 0 {
		t.Fatalf("%d alerts stored before the receipt wait ended", n)
	}
	testutil.WaitFor(t, "the sale to be decided", 2*time.Minute, func() bool { return ln.Stats().Decided })
	if st := ln.Stats(); st.Alerts != 1 {
		t.Fatalf("decided with %d alerts stored, want the payment_without_receipt", st.Alerts)
	}
	d.Alerts.Wait(t, detect.KindPaymentWithoutReceipt, detect.Raised, 30*time.Second)
}
