package journalapi

import (
	"net/url"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/agent/detect"
)

// FuzzParseAmount: never panics, and an amount it accepts prints back
// (detect.FormatMoney) as the same value. Seeded with the amounts of the
// test day and the CLI's examples.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"68.00", "68", "-1.05", ".5", "1500", "1.234", "35.50", "120.00", "9223372036854775807", "1e3", "--1"} {
		for _, cur := range []string{"CNY", "CLP", "KWD", ""} {
			f.Add(s, cur)
		}
	}
	f.Fuzz(func(t *testing.T, s, cur string) {
		v, err := ParseAmount(s, cur)
		if err != nil {
			return
		}
		printed := detect.FormatMoney(v, cur)
		printed = printed[strings.LastIndexByte(printed, ' ')+1:]
		back, err := ParseAmount(printed, cur)
		if err != nil || back != v {
			t.Fatalf("%q (%s) = %d prints as %q, which reads %d, %v", s, cur, v, printed, back, err)
		}
	})
}

// FuzzParseQuery: any URL query either fails or gives a query whose
// bounds are in order when both come from one date.
func FuzzParseQuery(f *testing.F) {
	f.Add("date=2026-11-22&amount=68.00&last4=4771")
	f.Add("from=2026-11-22T10:00:00Z&to=2026-11-22 11:00&receipt=0007&auth=A12345&type=payment,receipt&limit=5")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := ParseQuery(v, "CNY", shanghai)
		if err == nil && v.Get(ParamDate) != "" && !q.From.Before(q.To) {
			t.Fatalf("%q: day bounds %v..%v", raw, q.From, q.To)
		}
	})
}
