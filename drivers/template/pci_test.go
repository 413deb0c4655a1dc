package template

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// fullPANs are Luhn-valid test card numbers of 16 and 19 digits.
var fullPANs = []string{"4111111111111111", "5500005555555559", "6212345678901234569"}

// needles must appear nowhere: the PAN, its hidden middle, track 2's
// discretionary data.
func needles(pan string) []string { return []string{pan, pan[6 : len(pan)-4], "7654321098"} }

func leaks(s string, nd []string) string {
	for _, n := range nd {
		if strings.Contains(s, n) {
			return n
		}
	}
	return ""
}

// cardSteps returns, for each shipped template, a session that carries
// pan in the card field, track 2 elsewhere, and the PAN in free text.
func cardSteps(t *testing.T, pan string) map[string][]step {
	tr := pan + "=2512101" + "7654321098"
	lines := fmt.Sprintf("2026-11-22 10:15:03 TXN SALE RESP=00 AMT=128.50 AUTH=A1 TRACE=000123 TID=T1 CARD=%s\n"+
		"2026-11-22 10:15:04 TRACK %s NOTE %s\n"+
		"2026-11-22 10:15:05 TXN SALE RESP=00 AMT=1.00 TRACE=000124 REF=%s TID=T1 CARD=%s\n", pan, tr, pan, pan, pan)
	ms := misposSession(t, pan)
	// add EMV 5A (BCD PAN) and 57 (track 2 equivalent) to the approval
	tpl := mustLoad(t, "mispos")
	extra := append(tlv(0x5A, bcd(pan)), tlv(0x57, bcd(strings.ReplaceAll(tr, "=", "D")))...)
	extra = append(extra, tlv(0x9F10, []byte(pan))...)
	body := append(append(tlv(0x9F02, bcd("000000000100")), tlv(0x9F14, []byte("00"))...), extra...)
	ms = append(ms, step{drivers.FromDevice, tpl.Frame(body)})
	return map[string][]step{
		"linelog": {{drivers.FromDevice, []byte(lines)}},
		"mispos":  ms,
	}
}

// TestPCIRedactor feeds full PANs and track data through each shipped
// template: events, Stats and errors never show them; the Redactor's
// output never shows them and decodes to exactly the same events.
func TestPCIRedactor(t *testing.T) {
	for _, pan := range fullPANs {
		nd := needles(pan)
		for name, steps := range cardSteps(t, pan) {
			tpl := mustLoad(t, name)
			d := New(tpl)
			evs := run(d, steps, 3)
			if len(evs) < 2 {
				t.Fatalf("%s: %d events", name, len(evs))
			}
			out := marshal(t, evs)
			if n := leaks(fmt.Sprintf("%s %+v %#v", out, evs, d.Stats()), nd); n != "" {
				t.Errorf("%s: events leak %q: %s", name, n, out)
			}
			if !strings.Contains(string(out), drivers.MaskPAN(pan)) {
				t.Errorf("%s: masked card %s missing: %s", name, drivers.MaskPAN(pan), out)
			}
			// redact in odd chunks, then decode the redacted stream
			r := NewRedactor(tpl)
			var red []step
			for _, s := range steps {
				for b := s.data; len(b) > 0; {
					k := min(len(b), 5)
					if o := r.Redact(s.dir, b[:k]); len(o) > 0 {
						red = append(red, step{s.dir, o})
					}
					b = b[k:]
				}
			}
			var all []byte
			for _, s := range red {
				all = append(all, s.data...)
			}
			if n := leaks(string(all)+fmt.Sprintf("% X", all), nd); n != "" {
				t.Errorf("%s: redacted capture leaks %q", name, n)
			}
			if name == "mispos" {
				for rest := all; len(rest) > 0; {
					adv, body, _, err := tpl.split(rest, true)
					if adv == 0 {
						break
					}
					if body != nil && err == nil {
						_ = walkTLV(body, 0, func(tag uint32, v []byte, _ int) {
							if h := fmt.Sprintf("%X", v); (tag == 0x5A || tag == 0x57) && leaks(h, nd) != "" {
								t.Errorf("tag %X keeps card digits: %s", tag, h)
							}
						})
					}
					rest = rest[adv:]
				}
			}
			// same events from the redacted bytes (the times differ: one step per output)
			got := marshal(t, stripTimes(run(New(tpl), red, 0)))
			want := marshal(t, stripTimes(evs))
			if !bytes.Equal(got, want) {
				t.Errorf("%s: redacted stream decodes differently:\n got %s\nwant %s", name, got, want)
			}
			if r.Dropped() != 0 {
				t.Errorf("%s: dropped %d", name, r.Dropped())
			}
		}
	}
}

func stripTimes(evs []drivers.Event) []drivers.Event {
	for _, e := range evs {
		switch v := e.(type) {
		case *drivers.Payment:
			v.Time = t0
		case *drivers.Settlement:
			v.Time = t0
		}
	}
	return evs
}

// TestRedactorStartedMidLine: a Redactor that starts in the middle of a
// line (a tap opened while the terminal logs a card number) masks the
// digit run it starts with: the last 15 digits of a card number are not
// Luhn-valid on their own and would pass MaskTextPANs. Found in review.
func TestRedactorStartedMidLine(t *testing.T) {
	tpl := mustLoad(t, "linelog")
	for _, pan := range fullPANs {
		tail := pan[len(pan)-15:]
		r := NewRedactor(tpl)
		in := tail + " TID=T1\n2026-11-22 10:15:05 TXN SALE RESP=00 AMT=1.00 TRACE=000124 TID=T1\n"
		var out []byte
		for b := []byte(in); len(b) > 0; {
			k := min(len(b), 3)
			out = append(out, r.Redact(drivers.FromDevice, b[:k])...)
			b = b[k:]
		}
		if strings.Contains(string(out), tail) || strings.Contains(string(out), tail[:9]) {
			t.Errorf("%s: the rest of a card number passed: %q", pan, out)
		}
		if !strings.Contains(string(out), "TRACE=000124") {
			t.Errorf("%s: later lines were masked too: %q", pan, out)
		}
	}
	// A stream that starts at a line's start keeps the line's date.
	r := NewRedactor(tpl)
	line := "2026-11-22 10:15:05 TXN SALE RESP=00 AMT=1.00 TRACE=000124 TID=T1\n"
	if out := string(r.Redact(drivers.FromDevice, []byte(line))); out != line {
		t.Errorf("a line from the start changed: %q", out)
	}
}
