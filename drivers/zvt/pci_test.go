package zvt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// luhnValid reports whether digits pass the Luhn check.
func luhnValid(digits string) bool {
	sum := 0
	for i := range digits {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// fullPANs are Luhn-valid test card numbers of 16 and 19 digits.
var fullPANs = []string{"4111111111111111", "5500005555555559", "6212345678901234569"}

// track2 builds track 2 data for pan ('D' is the field separator nibble).
func track2(pan string) string { return pan + "D2512101" + "7654321098" }

// leakNeedles are strings that must not appear in anything the decoder
// produces: the full number, its hidden middle, the track's discretionary
// data.
func leakNeedles(pan string) []string {
	return []string{pan, pan[6 : len(pan)-4], "7654321098"}
}

// cardAPDU is a 04 0F carrying pan in BMP 22, its track 2 in BMP 23, and
// in a BMP 06 TLV container EMV tag 5A (PAN) and 57 (track 2 equivalent).
func cardAPDU(pan string) []byte {
	st := StatusInfo(StatusFields{
		Result: 0, Amount: 4711, Currency: 978, Trace: "000123", Receipt: "0123", TerminalID: "29000274",
		PAN: pan, Track2: track2(pan), AuthCode: "123456", CardName: "girocard",
	})
	var tlv []byte
	tlv = appendTLV(tlv, 0x5A, appendBCDString(nil, pan))
	tlv = appendTLV(tlv, 0x57, appendBCDString(nil, track2(pan)))
	tlv = appendTLV(tlv, 0x43, []byte{0xA0, 0, 0, 0, 0x59, 0x10, 0x10})
	data := append(st[3:], bmpTLV)
	data = append(appendBERLength(data, len(tlv)), tlv...)
	return encodeAPDU(0x04, 0x0F, data)
}

// assertNoLeak fails if s contains any needle.
func assertNoLeak(t *testing.T, what, s string, needles []string) {
	t.Helper()
	for _, n := range needles {
		if strings.Contains(s, n) {
			t.Errorf("%s leaks %q: %s", what, n, s)
		}
	}
}

func TestPCINoFullPAN(t *testing.T) {
	for _, pan := range fullPANs {
		if !luhnValid(pan) {
			t.Fatalf("%s is not Luhn-valid", pan)
		}
		needles := leakNeedles(pan)
		apdu := cardAPDU(pan)
		masked := drivers.MaskPAN(pan)

		a, _, err := ParseAPDU(apdu)
		if err != nil {
			t.Fatal(err)
		}
		st, err := DecodeStatus(a)
		if err != nil {
			t.Fatalf("DecodeStatus: %v", err)
		}
		if st.Result != 0 || st.Amount == nil || *st.Amount != 4711 || st.Card != masked || !st.TrackDataDropped || st.AID != "A0000000591010" {
			t.Errorf("status %+v", *st)
		}
		assertNoLeak(t, "Status", fmt.Sprintf("%+v %#v", *st, *st), needles)
		assertNoLeak(t, "APDU", fmt.Sprintf("%v %+v %#v %s", a, a, a, a), needles)

		// Whole, serial and tcp; and broken variants whose errors must not leak.
		truncated := encodeAPDU(0x04, 0x0F, a.Data[:len(a.Data)-3])
		unknownBMP := encodeAPDU(0x04, 0x0F, append([]byte{0x27, 0x00, 0xFE}, a.Data...))
		corruptCRC := Frame(apdu)
		corruptCRC[len(corruptCRC)-1] ^= 1
		conversations := map[string][]step{
			"serial": {host(Frame(AuthRequest(4711, 978))), dev(ackByte), dev(Frame(apdu)), host(ackByte)},
			"tcp":    {host(AuthRequest(4711, 978)), dev(apdu)},
			"errors": {dev(Frame(truncated)), dev(Frame(unknownBMP)), dev(corruptCRC), dev(Frame(apdu)[:40])},
		}
		for name, steps := range conversations {
			d := New(Options{})
			evs := runChunked(d, steps, 3, nil)
			evs = append(evs, d.Flush(t0)...)
			if name != "errors" {
				p := onePayment(t, evs)
				if p.Card != masked || p.Amount != 4711 {
					t.Errorf("%s: payment %+v", name, *p)
				}
			} else if len(evs) != 0 {
				t.Errorf("%s: events from broken input %+v", name, evs)
			}
			for _, e := range evs {
				b, err := drivers.Marshal(e)
				if err != nil {
					t.Fatal(err)
				}
				assertNoLeak(t, name+" event", fmt.Sprintf("%+v %#v %s", e, e, b), needles)
			}
			stats := d.Stats()
			if name == "errors" && (stats.DecodeErrors != 2 || stats.CRCErrors != 1 || stats.Incomplete != 1) {
				t.Errorf("errors: stats %+v", stats)
			}
			js, _ := json.Marshal(stats)
			assertNoLeak(t, name+" stats", fmt.Sprintf("%+v %#v %s %v", stats, stats, js, stats.LastError), needles)
		}
		for _, b := range [][]byte{truncated, unknownBMP} {
			ba, _, err := ParseAPDU(b)
			if err != nil {
				t.Fatal(err)
			}
			_, err = DecodeStatus(ba)
			if err == nil {
				t.Errorf("DecodeStatus of a broken APDU succeeded")
				continue
			}
			assertNoLeak(t, "error", fmt.Sprintf("%v %+v", err, err), needles)
		}
	}
}

// redactAll runs steps through a Redactor byte by byte.
func redactAll(r *Redactor, steps []step) []step {
	var out []step
	for _, s := range steps {
		var got []byte
		for i := range s.data {
			got = append(got, r.Redact(s.dir, s.data[i:i+1])...)
		}
		out = append(out, step{s.dir, got})
	}
	return out
}

func TestRedactor(t *testing.T) {
	for _, pan := range fullPANs {
		apdu := cardAPDU(pan)
		bcdPAN := appendBCDString(nil, pan)
		bcdTrack := appendBCDString(nil, track2(pan))
		conversations := map[string][]step{
			"serial": append([]step{host(Frame(AuthRequest(4711, 978))), dev(ackByte), dev([]byte{0x77}), dev(Frame(apdu)), host(ackByte)}, serialSale()...),
			"tcp":    {host(AuthRequest(4711, 978)), dev(Ack()), dev(apdu), host(Ack()), dev(Completion())},
		}
		for name, steps := range conversations {
			red := redactAll(NewRedactor(), steps)
			var all []byte
			for _, s := range red {
				all = append(all, s.data...)
			}
			for _, needle := range [][]byte{bcdPAN, bcdPAN[3:6], bcdTrack[len(bcdTrack)-5:], []byte(pan)} {
				if bytes.Contains(all, needle) {
					t.Errorf("%s: redacted output contains % X", name, needle)
				}
			}
			want := run(New(Options{}), steps)
			got := run(New(Options{}), red)
			if len(want) == 0 || len(got) != len(want) {
				t.Fatalf("%s: %d events after redaction, %d before", name, len(got), len(want))
			}
			for i := range want {
				wb, _ := drivers.Marshal(want[i])
				gb, _ := drivers.Marshal(got[i])
				if !bytes.Equal(wb, gb) {
					t.Errorf("%s: event %d\n got %s\nwant %s", name, i, gb, wb)
				}
			}
			// Chunking does not matter, and incomplete messages are held back.
			r := NewRedactor()
			var whole []byte
			for _, s := range steps {
				whole = append(whole, r.Redact(s.dir, s.data)...)
			}
			if !bytes.Equal(whole, all) {
				t.Errorf("%s: redaction depends on chunking", name)
			}
			if held := NewRedactor().Redact(drivers.FromDevice, Frame(apdu)[:30]); len(held) != 0 {
				t.Errorf("%s: incomplete frame not held back: % X", name, held)
			}
		}
	}
	// Masked PANs stay as they are, so a redacted masked capture is unchanged.
	for _, v := range loadVectors(t) {
		b := v.bytes(t)
		if v.Expect["malformed"] != nil || v.ID == "everest-1680722649.972316000_ecr_pt.blob" {
			continue
		}
		r := NewRedactor()
		if got := r.Redact(v.dir(), b); !bytes.Equal(got, b) {
			t.Errorf("%s: redaction changed a vector without card data", v.ID)
		}
	}
}

func TestRedactReceiptText(t *testing.T) {
	line := func(s string) []byte { return appendTLV(nil, tlvTextLine, []byte(s)) }
	lines := bytes.Join([][]byte{
		line("Karte 4111 1111 1111 1111"), line("PAN:6212345678901234569 ok"),
		line("000013    0004      000001"), line("L:************0000"), line("Beleg 0470 Datum 19.10.2021"),
	}, nil)
	tlv := append(appendTLV(nil, tlvReceiptType, []byte{2}), appendTLV(nil, tlvTextLines, lines)...)
	data := appendBERLength([]byte{bmpTLV}, len(tlv))
	apdu := encodeAPDU(0x06, 0xD3, append(data, tlv...))
	got := NewRedactor().Redact(drivers.FromDevice, apdu)
	for _, leak := range []string{"4111 1111 1111 1111", "6212345678901234569", "1 1111 1"} {
		if bytes.Contains(got, []byte(leak)) {
			t.Errorf("receipt text leaks %q", leak)
		}
	}
	for _, keep := range []string{"4111 11** **** 1111", "621234*********4569", "000013    0004      000001", "L:************0000", "Beleg 0470"} {
		if !bytes.Contains(got, []byte(keep)) {
			t.Errorf("redacted receipt lacks %q: %q", keep, got)
		}
	}
	a, _, err := ParseAPDU(got)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := DecodePrintText(a); err != nil || p.Lines != 5 || p.ReceiptType != 2 {
		t.Errorf("redacted receipt decodes to %+v, %v", p, err)
	}
	line1 := encodeAPDU(0x06, 0xD1, append([]byte{0x00}, "Karte 5500005555555559"...))
	if got := NewRedactor().Redact(drivers.FromDevice, line1); bytes.Contains(got, []byte("5500005555555559")) || !bytes.Contains(got, []byte("550000******5559")) {
		t.Errorf("06 D1 line not masked: %q", got)
	}
}

// TestRedactMalformed: frames whose APDU is broken are still redacted.
func TestRedactMalformed(t *testing.T) {
	pan := fullPANs[0]
	apdu := cardAPDU(pan)
	a, _, err := ParseAPDU(apdu)
	if err != nil {
		t.Fatal(err)
	}
	short := append([]byte(nil), apdu...)
	short[2] += 10 // declares more than is present
	long := append(encodeAPDU(0x04, 0x0F, a.Data[:20]), a.Data[20:]...)
	unknown := encodeAPDU(0x04, 0x0F, append([]byte{0x27, 0x00, 0xFE}, a.Data...))
	bcdPAN := appendBCDString(nil, pan)
	for name, b := range map[string][]byte{"short": short, "long": long, "unknown-bmp": unknown} {
		got := NewRedactor().Redact(drivers.FromDevice, Frame(b))
		if len(got) == 0 {
			t.Errorf("%s: frame dropped, want it redacted", name)
		}
		if bytes.Contains(got, bcdPAN[3:6]) || bytes.Contains(got, appendBCDString(nil, track2(pan))[10:]) {
			t.Errorf("%s: card data left in % X", name, got)
		}
	}
}
