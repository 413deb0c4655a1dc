package zvt

import (
	"path/filepath"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/golden"
)

// TestGolden pins the JSON events (drivers.Marshal) of whole conversations.
// Regenerate with: go test ./drivers/zvt -run TestGolden -update
func TestGolden(t *testing.T) {
	cases := map[string]struct {
		opts  Options
		steps []step
	}{
		"everest-preauth-tcp": {Options{}, everestSession(t)},
		"sale-serial":         {Options{Framing: FramingSerial}, serialSale()},
		"abort-refund-eod-tcp": {Options{Framing: FramingTCP, Currency: "EUR"}, []step{
			host(RefundRequest(1999)), dev(Ack()), dev(Abort(0x6C)), host(Ack()),
			host(EndOfDayRequest()), dev(Ack()),
			dev(StatusInfo(StatusFields{Result: 0, Amount: 958, Trace: "000982", Time: "081706", Date: "0406",
				Totals: &Totals{From: "0233", To: "0234", Cards: []CardTotal{{}, {}, {Count: 2, Amount: 958}, {}, {}, {}, {}}}})),
			host(Ack()), dev(Completion()), host(Ack()),
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var got []byte
			for _, e := range run(New(c.opts), c.steps) {
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
