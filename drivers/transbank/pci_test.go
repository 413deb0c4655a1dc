package transbank

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// fullPANs are Luhn-valid test card numbers of 16 and 19 digits.
var fullPANs = []string{"4111111111111111", "5500005555555559", "6212345678901234569"}

// track2 is track 2 data for pan with discretionary data 7654321098.
func track2(pan, sep string) string { return pan + sep + "2512101" + "7654321098" }

// needles must not appear in anything the decoder produces.
func needles(pan string) []string { return []string{pan, pan[6 : len(pan)-4], "7654321098"} }

func containsAny(s string, subs ...string) bool {
	for _, n := range subs {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// TestPCINoFullPAN puts full PANs and track 2 data into every field a card
// number could be mistaken for (last 4, account, voucher, ticket, auth,
// brand) of sale, void, detail and totals messages, and checks that none of
// it reaches events, Messages, Stats or errors (formatted with %+v and as
// JSON).
func TestPCINoFullPAN(t *testing.T) {
	for _, pan := range fullPANs {
		b := []byte(pan)
		if drivers.MaskTextPANs(b); string(b) == pan {
			t.Fatalf("%s is not Luhn-valid (MaskTextPANs left it)", pan)
		}
		nd := needles(pan)
		for _, sep := range []string{"=", "D"} {
			tr := track2(pan, sep)
			voucher := fmt.Sprintf("%-40s%-40s%-40s", "TRANSBANK", "TARJETA "+pan, "T2 "+tr)
			payloads := []string{
				"0200|8000|" + pan + "||1|1|",
				"0210|00|597029414300|IT750050|" + tr + "|" + pan + "|8000|00|0|" + pan + "|000143|DB|000000|" + tr + "|" + pan + "|07042026|085034||||",
				"0210|00|597029414300|IM750164|" + pan + "|700527|1000|" + tr + "|56|DB|00-00-00|" + pan + "|P |18032026|123307",
				"0271|00|597029414300|IT750050|ABC123|708410|8000|00||" + tr + "|000143|DB|000000|" + pan + "|DB|07042026|085034|||" + voucher + "|0|597029414303",
				"0261|00|597029414300|IT750050|ABC123|708410|8000|" + pan + "|000143|DB|000000|" + tr + "|DB|07042026|085034||0|0|00|",
				"1200|" + pan + "|",
				"1210|00|597029414300|IT750050|" + pan + "|" + tr + "||",
				"0900|" + tr,
				"0710|00|" + pan + "|" + tr + "||", // not numbers: errors
				"0210|00|x|y|z|a|" + pan + "x|",
				pan + "|00",
			}
			for _, model := range []string{"", ModelIntegrado, ModelAutoservicio} {
				d := New(Options{Model: model})
				var evs []drivers.Event
				for _, p := range payloads {
					m, err := Parse([]byte(p), model)
					if m != nil {
						assertNoLeak(t, "Message", fmt.Sprintf("%+v %#v", *m, *m), nd)
					}
					assertNoLeak(t, "Parse error", fmt.Sprintf("%v %+v", err, err), nd)
					for _, fr := range [][]byte{Frame([]byte(p)), FrameWithSTX([]byte(p))} {
						evs = append(evs, run(d, []step{dev(fr), host(ack)}, 5)...)
						// corrupt and truncated frames: errors only
						bad := append([]byte(nil), fr...)
						bad[len(bad)-1] ^= 0x40
						evs = append(evs, run(d, []step{dev(bad), dev(fr[:len(fr)/2])}, 0)...)
					}
					st := d.Stats()
					assertNoLeak(t, "Stats", fmt.Sprintf("%+v %v", st, st.LastError), nd)
				}
				if len(evs) == 0 {
					t.Fatal("no events")
				}
				for _, e := range evs {
					b, err := drivers.Marshal(e)
					if err != nil {
						t.Fatal(err)
					}
					assertNoLeak(t, "event", fmt.Sprintf("%+v %#v %s", e, e, b), nd)
				}
			}
		}
	}
}

func assertNoLeak(t *testing.T, what, s string, nd []string) {
	t.Helper()
	for _, n := range nd {
		if strings.Contains(s, n) {
			t.Errorf("%s leaks %q: %s", what, n, s)
		}
	}
}
