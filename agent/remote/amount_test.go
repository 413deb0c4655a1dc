package remote

import (
	"net/url"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/journalapi"
)

// TestSearchAmountLikeCLI: journal_search {"amount": A} searches the same
// amount as `journal search --amount A` (journalapi.ParseQuery) on lanes of
// every digit count; on a CLP lane "1500" is 1500 pesos (issue 11 item 1:
// it was read as 1500.00, i.e. 150000).
func TestSearchAmountLikeCLI(t *testing.T) {
	for _, c := range []struct {
		cur, amount string
		want        int64
	}{
		{"CLP", "1500", 1500}, {"JPY", "8000", 8000}, {"KRW", "250000", 250000}, {"ISK", "990", 990},
		{"CNY", "68.00", 6800}, {"EUR", "1500", 150000}, {"KWD", "1.250", 1250}, {"BHD", "0.5", 500},
	} {
		q, err := SearchArgs{Amount: c.amount}.query(time.UTC, c.cur)
		if err != nil {
			t.Fatalf("%s %s: %v", c.cur, c.amount, err)
		}
		cli, err := journalapi.ParseQuery(url.Values{journalapi.ParamAmount: {c.amount}}, c.cur, time.UTC)
		if err != nil {
			t.Fatalf("%s %s: CLI: %v", c.cur, c.amount, err)
		}
		if *q.Amount != c.want || *cli.Amount != c.want {
			t.Errorf("%s %q: journal_search %d, CLI %d, want %d", c.cur, c.amount, *q.Amount, *cli.Amount, c.want)
		}
	}
	if _, err := (SearchArgs{Amount: "15.50"}).query(time.UTC, "CLP"); err == nil {
		t.Error("CLP 15.50 accepted: pesos have no decimals")
	}
}
