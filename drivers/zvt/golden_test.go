package zvt

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

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
			path := filepath.Join("testdata", "golden", name+".jsonl")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("events differ from %s\n got %s\nwant %s", path, got, want)
			}
			if len(want) == 0 {
				t.Errorf("golden file %s is empty", path)
			}
		})
	}
}
