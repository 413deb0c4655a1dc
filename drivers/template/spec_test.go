package template

import (
	"errors"
	"strings"
	"testing"
)

func TestBuiltins(t *testing.T) {
	names := Builtins()
	if strings.Join(names, ",") != "linelog,mispos" {
		t.Fatalf("builtins %v", names)
	}
	for _, n := range names {
		if tpl := mustLoad(t, n); tpl.Name != n {
			t.Errorf("%s: name %q", n, tpl.Name)
		}
	}
	if _, err := Load("testdata/no-such.yaml"); err == nil {
		t.Error("missing file loaded")
	}
}

// TestErrors: every problem names the file, the line and the field.
func TestErrors(t *testing.T) {
	const head = "name: x\nframing:\n  type: lines\n"
	cases := []struct{ yaml, want string }{
		{head + "records:\n  - event: payment\n    match: '(?P<amount>\\d+'\n", "f.yaml:6: records[0].match: error parsing regexp"},
		{head + "records:\n  - event: payment\n    match: 'A=(?P<amount>\\d+) R=(?P<result>\\d+) X=(?P<pan>\\d+)'\n", `f.yaml:6: records[0].match: group "pan" is not a payment field`},
		{head + "records:\n  - event: payment\n    match: 'A=(?P<amount>\\d+) R=(?P<result>\\d+) C=(?P<card>\\d+)'\n", "f.yaml:6: records[0].match: the card group must also accept '*'"},
		{head + "records:\n  - event: payment\n    match: 'A=(?P<amount>\\d+)'\n", "f.yaml:6: records[0].match: a payment needs a result group"},
		{head + "records:\n  - event: refund\n    match: 'x'\n", "f.yaml:5: records[0].event: \"refund\": want payment, settlement or request"},
		{head + "colour: red\nrecords: []\n", "f.yaml:4: field colour not found"},
		{"name: x\nframing:\n  type: frames\nrecords:\n  - event: request\n    match: '(?P<amount>\\d+)'\n", `f.yaml:3: framing.type: "frames"`},
		{"name: x\nframing:\n  type: length_prefixed\n  length: bcd2\ntlv:\n  9F2: {field: amount}\nrecords:\n  - event: request\n    require: [amount]\n", "f.yaml:6: tlv.9F2: tag \"9F2\" is not an even number"},
		{"name: x\nframing:\n  type: length_prefixed\n  length: bcd2\ntlv:\n  9F02: {field: amount, format: packed}\nrecords:\n  - event: payment\n    require: [amount]\n", "f.yaml:6: tlv.9F02.format: \"packed\""},
		{"name: x\nframing:\n  type: length_prefixed\n  length: bcd2\ntlv:\n  9F02: {field: amount}\nrecords:\n  - event: payment\n    require: [amount]\n", "f.yaml:9: records[0].require: a payment needs result"},
		{head + "amount:\n  decimals: 7\nrecords:\n  - event: request\n    match: '(?P<amount>\\d+)'\n", "f.yaml:5: amount.decimals: must be 0..4"},
		{head + "results:\n  ok: [\"00\"]\nrecords:\n  - event: request\n    match: '(?P<amount>\\d+)'\n", "f.yaml:5: results.ok: unknown key"},
		{"", "f.yaml: empty template"},
	}
	for _, c := range cases {
		_, err := Parse("f.yaml", []byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
		var te *Error
		if err != nil && !errors.As(err, &te) {
			t.Errorf("%v is not a *Error", err)
		}
	}
}

func TestAmount(t *testing.T) {
	two, none := 2, 0
	eur := &Template{currency: "EUR"}
	implied := &Template{decimals: &two, implied: true}
	zero := &Template{decimals: &none, currency: "EUR"}
	clp := &Template{currency: "CLP"}
	kwd := &Template{currency: "KWD"}
	cases := []struct {
		t    *Template
		in   string
		want int64
		err  bool
	}{
		{eur, "12.34", 1234, false}, {eur, "12,34", 1234, false}, {eur, "1,234.50", 123450, false},
		{eur, "1.234,50", 123450, false}, {eur, "12", 1200, false}, {eur, "12.5", 1250, false},
		{eur, "1,234", 123400, false}, {eur, " -7.00 ", 700, false}, {eur, "", 0, false},
		{eur, "12.345.678", 1234567800, false}, {eur, "1.2x", 0, true}, {eur, "12.34.5", 0, true},
		{implied, "000000012850", 12850, false}, {implied, "128.50", 12850, false},
		{zero, "8000", 8000, false}, {zero, "8.000", 8000, false}, {eur, "9999999999999999", 0, true},
		// No amount.decimals: the currency's (issue 11: CLP amounts were read x100).
		{clp, "8000", 8000, false}, {clp, "8.000", 8000, false}, {kwd, "1.250", 1250, false}, {kwd, "2", 2000, false},
	}
	for _, c := range cases {
		got, err := c.t.amount(c.in, c.t.currency)
		if got != c.want || (err != nil) != c.err {
			t.Errorf("amount(%q) = %d, %v; want %d (error %v)", c.in, got, err, c.want, c.err)
		}
	}
}

// TestSTXETX covers the stx_etx framing with xor_stx LRC and GBK text.
func TestSTXETX(t *testing.T) {
	tpl, err := Parse("inline.yaml", []byte(`name: stx
framing: {type: stx_etx, lrc: xor_stx}
encoding: gbk
currency: CNY
types: {sale: [消费], void: [撤销]}
results: {approved: ["00"]}
records:
  - event: payment
    match: '^(?P<type>\S+)\|(?P<result>\d\d)\|(?P<amount>[0-9.]+)\|(?P<card>[0-9*]*)\|(?P<text>.*)$'
`))
	if err != nil {
		t.Fatal(err)
	}
	gbk := func(s string) []byte { b, _ := tpl.enc.NewEncoder().Bytes([]byte(s)); return b }
	good := tpl.Frame(gbk("消费|00|12.00|4111111111111111|备注 4111111111111111"))
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 1
	d := New(tpl)
	evs := run(d, []step{{dir: 1, data: append(append([]byte("zz\x06"), bad...), good...)}, {dir: 1, data: good[:5]}}, 3)
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	st := d.Stats()
	if st.Frames != 1 || st.LRCErrors != 1 || st.ACKs != 1 || st.NoiseBytes != 2 || st.Incomplete != 1 {
		t.Errorf("stats %+v", st)
	}
	if s := marshal(t, evs); !strings.Contains(string(s), `"card":"411111******1111","text":"备注 411111******1111"`) {
		t.Errorf("event %s", s)
	}
}
