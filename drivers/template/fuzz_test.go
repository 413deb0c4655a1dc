package template

import (
	"bytes"
	"os"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// seeds adds the golden inputs and the card sessions.
func seeds(f *testing.F, add func(b []byte)) {
	for _, name := range []string{"linelog", "mispos"} {
		b, err := os.ReadFile("testdata/" + name + "/input")
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
	for _, steps := range cardSteps(&testing.T{}, fullPANs[0]) {
		var all []byte
		for _, s := range steps {
			all = append(all, s.data...)
		}
		add(all)
	}
}

// fuzzBoth runs the body with each shipped template.
func fuzzBoth(f *testing.F, body func(t *testing.T, tpl *Template, data []byte, n int)) {
	tpls := []*Template{mustLoad(f, "linelog"), mustLoad(f, "mispos")}
	seeds(f, func(b []byte) { f.Add(b, uint8(3), false) })
	f.Fuzz(func(t *testing.T, data []byte, n uint8, second bool) {
		tpl := tpls[0]
		if second {
			tpl = tpls[1]
		}
		body(t, tpl, data, int(n%16)+1)
	})
}

// FuzzDecoder: never panics, and chunking never changes the events.
func FuzzDecoder(f *testing.F) {
	fuzzBoth(f, func(t *testing.T, tpl *Template, data []byte, n int) {
		steps := []step{{drivers.FromDevice, data}}
		whole := marshal(t, run(New(tpl), steps, 0))
		chunked := marshal(t, run(New(tpl), steps, n))
		if !bytes.Equal(whole, chunked) {
			t.Fatalf("chunking changes events:\n%s\n%s", whole, chunked)
		}
	})
}

// FuzzRedactor: never panics, the output is a sequence of whole frames,
// redacting it again changes nothing, and it decodes to the events the
// input decodes to (what the Redactor's doc promises).
func FuzzRedactor(f *testing.F) {
	fuzzBoth(f, func(t *testing.T, tpl *Template, data []byte, n int) {
		r := NewRedactor(tpl)
		var out []byte
		for b := data; len(b) > 0; {
			k := min(n, len(b))
			out = append(out, r.Redact(drivers.FromDevice, b[:k])...)
			b = b[k:]
		}
		again := NewRedactor(tpl).Redact(drivers.FromDevice, out)
		if !bytes.Equal(again, out) {
			t.Fatalf("redaction is not idempotent:\n% X\n% X", out, again)
		}
		// Whole frames only: compare the events of the frames the
		// redactor returned with those of the input cut to the same frames.
		// A card number in another field (an amount) is masked there on
		// purpose and may change an event: only inputs without one count.
		in := data[:len(data)-len(r.in[dirIndex(drivers.FromDevice)])]
		plain := bytes.Clone(in)
		drivers.MaskTextPANs(plain)
		if tpl.framing.Type == FramingLines && bytes.Equal(plain, in) && !bytes.Equal(marshal(t, run(New(tpl), []step{{drivers.FromDevice, in}}, 0)), marshal(t, run(New(tpl), []step{{drivers.FromDevice, out}}, 0))) {
			t.Fatalf("redacted lines decode differently:\n%q\n%q", in, out)
		}
	})
}
