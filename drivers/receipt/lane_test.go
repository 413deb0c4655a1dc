package receipt

import (
	"fmt"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestForLane: a profile that names no currency reads amounts in the
// lane's minor units (issue 11 item 1: on a CLP lane "TOTAL 8000" was not
// read at all and "TOTAL $8.000" became 800000); one that names its own
// keeps it; receipts carry only the profile's currency.
func TestForLane(t *testing.T) {
	generic, err := Builtin("generic")
	if err != nil {
		t.Fatal(err)
	}
	cn, err := Builtin("cn-supermarket")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p           *Profile
		lane, total string
		want        int64
		ok          bool
	}{
		{generic.ForLane("CLP"), "CLP", "TOTAL 8000", 8000, true},
		{generic.ForLane("CLP"), "CLP", "TOTAL $8.000", 8000, true},
		{generic.ForLane("JPY"), "JPY", "TOTAL ¥1,500", 1500, true},
		{generic.ForLane("KRW"), "KRW", "TOTAL 250000", 250000, true},
		{generic.ForLane("ISK"), "ISK", "TOTAL 990", 990, true},
		{generic.ForLane("KWD"), "KWD", "TOTAL 1.250", 1250, true},
		{generic.ForLane("BHD"), "BHD", "TOTAL 0.500", 500, true},
		{generic.ForLane("EUR"), "EUR", "TOTAL 8000", 0, false}, // a count, not money, where amounts have decimals
		{generic, "", "TOTAL 80.00", 8000, true},
		{generic.ForLane("EUR"), "EUR", "TOTAL 2 x 3.50 7.00", 700, true}, // the last amount of the line
		{cn.ForLane("CLP"), "CLP", "合计: 80.00", 8000, true},               // the profile's own CNY wins
	} {
		r := &drivers.Receipt{Lines: []drivers.Line{{Text: "RECEIPT 0042"}, {Text: c.total}, {Text: "CARD " + c.total[len("TOTAL "):]}}}
		if c.total[0] != 'T' {
			r.Lines = []drivers.Line{{Text: c.total}}
		}
		c.p.Extract(r)
		if (r.Total != nil) != c.ok || c.ok && *r.Total != c.want {
			got := "none"
			if r.Total != nil {
				got = fmt.Sprint(*r.Total)
			}
			t.Errorf("%s lane, %q: total %s, want %d (found %v)", c.lane, c.total, got, c.want, c.ok)
		}
		if r.Currency != c.p.Currency {
			t.Errorf("%s lane: receipt currency %q, want the profile's %q", c.lane, r.Currency, c.p.Currency)
		}
	}
}
