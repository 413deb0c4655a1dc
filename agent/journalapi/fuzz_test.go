package journalapi

import (
	"net/url"
	"testing"
)

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
