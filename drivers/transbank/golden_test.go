package transbank

import (
	"path/filepath"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/golden"
)

// TestGolden pins the JSON events (drivers.Marshal) of whole conversations.
// Regenerate with: go test ./drivers/transbank -run TestGolden -update
func TestGolden(t *testing.T) {
	cases := map[string]struct {
		opts  Options
		steps []step
	}{
		"sale-void": {Options{}, saleAndVoid()},
		"autoservicio-lrc-stx": {Options{Model: ModelAutoservicio}, []step{
			hostF("0200|10000|123456|0|0"), dev(ack),
			dev(FrameWithSTX([]byte("0210|00|597029414300|IM750164|123456|776549|10000|6590|58|CR|||VI|18032026|123506||03|03|3334|CUOTAS SIN INTERES"))), host(ack),
		}},
		"multicode-cancelled-totals-close": {Options{}, []step{
			hostF("0270|90000|ABC123||1|0|597029414303|"), dev(ack),
			devF("0271|07|||ABC123||90000|||||||||||||||597029414303|"), host(ack),
			hostF("0700|"), dev(ack), devF("0710|00|002|15000||"), host(ack),
			hostF("0500|"), dev(ack), devF("0510|00|597029414300|IT750050||"), host(ack),
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var got []byte
			for _, e := range run(New(c.opts), c.steps, 0) {
				b, err := drivers.Marshal(e)
				if err != nil {
					t.Fatal(err)
				}
				got = append(append(got, b...), '\n')
			}
			if len(got) == 0 {
				t.Errorf("no events")
			}
			golden.Check(t, filepath.Join("testdata", "golden", name+".jsonl"), got)
		})
	}
}
