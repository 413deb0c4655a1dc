package transbank

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

func TestRedactor(t *testing.T) {
	pan := "4111111111111111"
	sale := Frame([]byte("0210|00|597029414300|IT750050|ABC123|162529|9000|03|3000|" + pan + "|000142|CR|003000|3000000000000000000|VI|07042026|084918||||"))
	stx := FrameWithSTX([]byte("0210|00|597029414300|IT750050|ABC123|162529|9000|03|3000|" + pan + "=2512101765|000143|CR|003000|3000000000000000000|VI|07042026|084918||||"))
	stream := append(append(append([]byte{ACK}, sale...), ACK), stx...)
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	decode := func(b []byte) []drivers.Event {
		d := New(Options{})
		evs := d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: b})
		return append(evs, d.Flush(t0)...)
	}
	want := decode(stream)
	if len(want) != 2 {
		t.Fatalf("the plain stream decodes to %d events, want 2", len(want))
	}
	for i, ev := range want {
		if c := ev.(*drivers.Payment).Card; c != "************1111" {
			t.Errorf("payment %d: card %q, want ************1111", i, c)
		}
	}
	for cut := 0; cut <= len(stream); cut += 7 {
		r := NewRedactor()
		out := append(r.Redact(drivers.FromDevice, stream[:cut]), r.Redact(drivers.FromDevice, stream[cut:])...)
		if bytes.Contains(out, []byte(pan)) || bytes.Contains(out, []byte("2512101765")) {
			t.Fatalf("split at %d: card data left: %q", cut, out)
		}
		// The second frame's last-4 field holds track data: the card's
		// last 4 digits come from the number before the separator, the
		// same whether the track was masked or not.
		if got := decode(out); !reflect.DeepEqual(got, want) {
			t.Fatalf("split at %d: redacted stream decodes to %s, want %s", cut, js(got), js(want))
		}
	}
}

func js(evs []drivers.Event) string {
	var b bytes.Buffer
	for _, ev := range evs {
		m, _ := drivers.Marshal(ev)
		b.Write(m)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestRedactorNoise: bytes outside a frame cannot be checked as a frame:
// the rest of a frame a redactor started in the middle of (a tap opened
// mid-sale) and a frame whose STX was lost on the line hold the card
// number unframed. Their digits are masked; the frames after them pass as
// they would.
func TestRedactorNoise(t *testing.T) {
	pan := "4111111111111111"
	body := "0210|00|597029414300|IT750050|ABC123|162529|9000|03|3000|" + pan + "|000142|CR|003000|3000000000000000000|VI|07042026|084918||||"
	sale := Frame([]byte(body))
	for name, stream := range map[string][]byte{
		"started mid-frame": append(append([]byte(nil), sale[40:]...), sale...),
		"STX lost":          append(append([]byte(nil), sale[1:]...), sale...),
	} {
		for cut := 0; cut <= len(stream); cut += 5 {
			r := NewRedactor()
			out := append(r.Redact(drivers.FromDevice, stream[:cut]), r.Redact(drivers.FromDevice, stream[cut:])...)
			if bytes.Contains(out, []byte("11111111")) {
				t.Fatalf("%s, split at %d: card digits left: %q", name, cut, out)
			}
			if !bytes.HasSuffix(out, Frame([]byte("0210|00|597029414300|IT750050|ABC123|162529|9000|03|3000|411111******1111|000142|CR|003000|3000000000000000000|VI|07042026|084918||||"))) {
				t.Fatalf("%s, split at %d: the whole frame after the noise changed: %q", name, cut, out)
			}
		}
	}
}
