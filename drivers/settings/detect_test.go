package settings

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestDetectJSON: the forms capture headers have been written in read
// back over the defaults; the form written now is the one written before.
func TestDetectJSON(t *testing.T) {
	def := Default()
	with := func(f func(*Detect)) Detect { d := Default(); f(&d); return d }
	for _, c := range []struct {
		name, in string
		want     Detect
	}{
		{"empty", `{}`, def},
		{"one setting", `{"clock_skew":"5s"}`, with(func(d *Detect) { d.ClockSkew = 5 * time.Second })},
		{"empty strings are absent", `{"match_window":"","clock_skew":"0s"}`, with(func(d *Detect) { d.ClockSkew = 0 })},
		{"older demo header", `{"match_window":"20s","receipt_wait":"6s","cut_timeout":"4s","status_timeout":"2s","duplicate_window":"10m0s","settles":["card"]}`,
			with(func(d *Detect) {
				d.MatchWindow, d.ReceiptWait, d.CutTimeout, d.StatusTimeout = 20*time.Second, 6*time.Second, 4*time.Second, 2*time.Second
			})},
		{"tolerance and settles", `{"amount_tolerance":3,"settles":["card","wallet"]}`,
			with(func(d *Detect) { d.AmountTolerance, d.Settles = 3, []drivers.TenderKind{"card", "wallet"} })},
		{"a newer agent's setting", `{"future_window":"1s"}`, def},
	} {
		var got Detect
		if err := json.Unmarshal([]byte(c.in), &got); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
	b, err := json.Marshal(with(func(d *Detect) { d.ClockSkew = 0 }))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"match_window":"2m0s","receipt_wait":"1m30s","cut_timeout":"20s","status_timeout":"3s","duplicate_window":"10m0s","clock_skew":"0s","settlement_window":"48h0m0s","settles":["card"]}`; string(b) != want {
		t.Errorf("written %s\nwant    %s", b, want)
	}
}

func TestDetectJSONErrors(t *testing.T) {
	for _, in := range []string{`{"match_window":"2 minutes"}`, `{"receipt_wait":"-1s"}`, `{"clock_skew":5}`, `{"amount_tolerance":-1}`, `{"settles":"card"}`, `[]`} {
		var d Detect
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}

// TestCheck: the one validation of the settings (configs reports its
// errors with file and line).
func TestCheck(t *testing.T) {
	if errs := Default().Check(); len(errs) != 0 {
		t.Errorf("defaults: %v", errs)
	}
	d := Default()
	d.MatchWindow, d.ClockSkew, d.AmountTolerance = 0, -time.Second, -5
	d.Settles = []drivers.TenderKind{"card", "qr", "card"}
	var got []string
	for _, e := range d.Check() {
		got = append(got, e.Error())
	}
	want := []string{
		"detect.match_window: must be a positive duration, got 0s",
		"detect.clock_skew: must be >= 0, got -1s",
		"detect.amount_tolerance: must be >= 0 (minor units), got -5",
		`detect.settles[1]: "qr" is not one of card, cash, wallet, voucher, other`,
		`detect.settles[2]: "card" is listed twice`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	d.Settles = nil
	if errs := d.Check(); errs[len(errs)-1].Field != "settles" {
		t.Errorf("no settles: %v", errs)
	}
}

func TestSet(t *testing.T) {
	d := Default()
	for _, kv := range [][2]string{{"clock_skew", "5s"}, {"amount_tolerance", "2"}, {"settles", "card, cash"}} {
		if err := d.Set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if d.ClockSkew != 5*time.Second || d.AmountTolerance != 2 || !reflect.DeepEqual(d.Settles, []drivers.TenderKind{"card", "cash"}) {
		t.Errorf("after Set: %+v", d)
	}
	for _, kv := range [][2]string{{"clock_skew", "-1s"}, {"match_window", "x"}, {"amount_tolerance", "1.5"}, {"nope", "1s"}} {
		if err := d.Set(kv[0], kv[1]); err == nil {
			t.Errorf("Set(%q, %q): no error", kv[0], kv[1])
		}
	}
}

// FuzzDetectJSON: whatever reads, writes and reads back the same.
func FuzzDetectJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"clock_skew":"5s"}`, `{"match_window":"","settles":["card"]}`, `{"amount_tolerance":3}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var d Detect
		if json.Unmarshal([]byte(in), &d) != nil {
			return
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Detect
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s written as %s does not read back: %v", in, b, err)
		}
		if !reflect.DeepEqual(back, d) {
			t.Fatalf("%s: %+v written as %s reads back as %+v", in, d, b, back)
		}
	})
}
