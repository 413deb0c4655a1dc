package detect

import (
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// dmg is damage a decoder reported on dev at at.
func dmg(at time.Duration, dev string) *drivers.Damage {
	return &drivers.Damage{Head: drivers.Head{Time: t0.Add(at), Device: dev}, What: "crc", Frames: 1, Dir: "device"}
}

// notAddingUp is a card receipt whose total disagrees with its tender (a
// digit damaged on the line).
func notAddingUp(at time.Duration, number string, tender, total int64) *drivers.Receipt {
	r := rcpt(at, number, card(tender))
	r.Total, r.Due = &total, &total
	return r
}

// TestDamageLowers: an alert whose evidence may sit in damaged bytes says
// so and is a warning; far-away damage changes nothing; the id is the
// same either way.
func TestDamageLowers(t *testing.T) {
	ok := status(-60*sec, nil)
	tests := []struct {
		name    string
		steps   []step
		want    []string
		lowered map[string]string // kind -> role of the damage that lowered it
	}{
		{name: "receipt without payment, a terminal frame damaged just before",
			steps: []step{obs(ok), obs(dmg(sec, "terminal")), obs(rcpt(3*sec, "0042", card(2040)))},
			want:  []string{"receipt_without_payment/raised"}, lowered: map[string]string{KindReceiptWithoutPayment: RoleTerminal}},
		{name: "receipt without payment, damage long before",
			steps: []step{obs(ok), obs(dmg(-10*time.Minute, "terminal")), obs(rcpt(3*sec, "0042", card(2040)))},
			want:  []string{"receipt_without_payment/raised"}},
		{name: "payment without receipt, printer data damaged after it",
			steps: []step{obs(ok), obs(sale(0, 2040, "000470")), obs(dmg(2*sec, "printer"))},
			want:  []string{"payment_without_receipt/raised"}, lowered: map[string]string{KindPaymentWithoutReceipt: RolePrinter}},
		{name: "payment without receipt, a terminal frame damaged after it (a void?)",
			steps: []step{obs(ok), obs(sale(0, 2040, "000470")), obs(dmg(10*sec, "terminal"))},
			want:  []string{"payment_without_receipt/raised"}, lowered: map[string]string{KindPaymentWithoutReceipt: RoleTerminal}},
		{name: "damage between a sale and a receipt: not paired",
			steps:   []step{obs(ok), obs(sale(0, 3550, "000103")), obs(dmg(5*sec, "printer")), obs(rcpt(20*sec, "0043", card(12000)))},
			want:    []string{"payment_without_receipt/raised", "receipt_without_payment/raised"},
			lowered: map[string]string{KindPaymentWithoutReceipt: RolePrinter, KindReceiptWithoutPayment: RolePrinter}},
		{name: "a receipt that does not add up, on a lane whose receipts do",
			steps: append(paymentFirstLane(10), obs(sale(420*sec, 1200, "000300")), obs(notAddingUp(422*sec, "0011", 12000, 1200))),
			want:  []string{"amount_mismatch/raised"}, lowered: map[string]string{KindAmountMismatch: RolePrinter}},
		{name: "a receipt that does not add up, too little history to tell",
			steps: []step{obs(ok), obs(sale(0, 1200, "000300")), obs(notAddingUp(2*sec, "0011", 12000, 1200))},
			want:  []string{"amount_mismatch/raised"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			steps := append(slices.Clone(tc.steps), adv(10*time.Minute))
			roles := map[string]string{"printer": RolePrinter, "terminal": RoleTerminal}
			got := run(New(Config{Site: "s1", Lane: "l1", Roles: roles}), steps)
			if k := kinds(got); !slices.Equal(k, tc.want) {
				for _, a := range got {
					t.Log(a.Summary)
				}
				t.Fatalf("alerts = %v, want %v", k, tc.want)
			}
			clean := run(New(Config{Site: "s1", Lane: "l1", Roles: roles, IgnoreDamage: true}), steps)
			for i, a := range got {
				role, low := tc.lowered[a.Kind]
				switch {
				case low && (a.Severity != Warning || a.Damage == nil || a.Damage.Role != role):
					t.Errorf("%s: severity %s damage %+v, want a warning naming %s damage (%s)", a.Kind, a.Severity, a.Damage, role, a.Summary)
				case !low && (a.Severity != Critical || a.Damage != nil):
					t.Errorf("%s: severity %s damage %+v, want critical (%s)", a.Kind, a.Severity, a.Damage, a.Summary)
				}
				if len(clean) == len(got) && clean[i].Kind == a.Kind && clean[i].ID != a.ID {
					t.Errorf("%s: id %s with damage, %s without: damage must not change identity", a.Kind, a.ID, clean[i].ID)
				}
			}
			for _, a := range clean {
				if a.Damage != nil {
					t.Errorf("IgnoreDamage: %s still carries damage", a.Kind)
				}
			}
		})
	}
}
