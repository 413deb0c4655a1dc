package detect

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestAlertCashier: an alert about a receipt names the cashier it printed;
// a payment with no receipt of its own names the lane's last cashier; a
// printer fault names nobody.
func TestAlertCashier(t *testing.T) {
	const sec = time.Second
	named := func(r *drivers.Receipt, who string) *drivers.Receipt { r.Cashier = who; return r }
	e := New(Config{Site: "s", Lane: "l"})
	as := run(e, []step{
		obs(sale(0, 1000, "000001")),
		obs(named(rcpt(2*sec, "0001", card(10000)), "007 李静")), // under-charged: amount_mismatch
		obs(sale(300*sec, 2500, "000002")),                     // no receipt ever
		obs(status(301*sec, paperEnd)),
		adv(10 * time.Minute),
	})
	got := map[string]string{}
	for _, a := range as {
		got[a.Kind] = a.Cashier
	}
	want := map[string]string{
		KindAmountMismatch:        "007 李静",
		KindPaymentWithoutReceipt: "007 李静",
		KindPrinterFault:          "",
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("%s: cashier %q (present %v), want %q; alerts %v", k, g, ok, w, kinds(as))
		}
	}
}
