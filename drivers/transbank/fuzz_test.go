package transbank

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// seeds adds every vector frame (both LRC forms) and a whole conversation.
func seeds(f *testing.F, add func(b []byte)) {
	for _, v := range loadVectors(f) {
		add(v.frame(f))
		add(FrameWithSTX([]byte(v.Payload)))
	}
	var conv []byte
	for _, s := range saleAndVoid() {
		conv = append(conv, s.data...)
	}
	add(conv)
}

func FuzzSplitFrame(f *testing.F) {
	seeds(f, func(b []byte) { f.Add(b, false) })
	f.Fuzz(func(t *testing.T, data []byte, atEOF bool) {
		adv, p, withSTX, err := splitFrame(data, atEOF)
		if adv < 0 || adv > len(data) {
			t.Fatalf("advance %d out of [0,%d]", adv, len(data))
		}
		if adv == 0 && (p != nil || err != nil) {
			t.Fatalf("no progress with a result")
		}
		if atEOF && len(data) > 0 && adv == 0 {
			t.Fatalf("no progress at EOF")
		}
		if p != nil {
			re := Frame(p)
			if withSTX {
				re = FrameWithSTX(p)
			}
			if err != nil || !bytes.Equal(re, data[:adv]) {
				t.Fatalf("payload does not re-frame to its bytes (%v)", err)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add([]byte(v.Payload))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		m, err := Parse(p, "")
		if (m == nil) == (err == nil) {
			t.Fatalf("message %v and error %v", m, err)
		}
		if m != nil && len(m.Last4) > 4 {
			t.Fatalf("last4 %q", m.Last4)
		}
	})
}

// FuzzDecoder feeds the input whole and in chunks of every size the seed
// picks, from both directions: the events must be the same (the decoder is
// incremental) and it must never panic.
func FuzzDecoder(f *testing.F) {
	seeds(f, func(b []byte) { f.Add(b, uint8(3)) })
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		whole := fmt.Sprint(render(t, run(New(Options{}), []step{dev(data)}, 0)))
		chunked := fmt.Sprint(render(t, run(New(Options{}), []step{dev(data)}, int(n%16)+1)))
		if whole != chunked {
			t.Fatalf("chunking changes events:\n%s\n%s", whole, chunked)
		}
	})
}

// render marshals events, ignoring their time (run stamps one per step).
func render(t *testing.T, evs []drivers.Event) []string {
	var out []string
	for _, e := range evs {
		b, err := drivers.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}
