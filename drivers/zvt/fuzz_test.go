package zvt

import (
	"bytes"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/slip"
)

// seeds adds every vector, bare and serial-framed, to a fuzz corpus.
func seeds(f *testing.F, add func(b []byte)) {
	for _, v := range loadVectors(f) {
		b := v.bytes(f)
		add(b)
		add(Frame(b))
	}
	var conv []byte
	for _, s := range serialSale() {
		conv = append(conv, s.data...)
	}
	add(conv)
	add(cardAPDU(fullPANs[2]))
}

func FuzzSplitFrame(f *testing.F) {
	seeds(f, func(b []byte) { f.Add(b, false) })
	f.Fuzz(func(t *testing.T, data []byte, atEOF bool) {
		adv, frame, err := SplitFrame(data, atEOF)
		if adv < 0 || adv > len(data) {
			t.Fatalf("advance %d out of [0,%d]", adv, len(data))
		}
		if adv == 0 && (frame != nil || err != nil) {
			t.Fatalf("no progress with a result: %v %v", frame, err)
		}
		if atEOF && len(data) > 0 && adv == 0 {
			t.Fatalf("no progress at EOF")
		}
		if frame != nil {
			if err != nil {
				t.Fatalf("frame and error")
			}
			if re := Frame(frame); !bytes.Equal(re, data[:adv]) {
				t.Fatalf("frame does not re-encode to its bytes")
			}
		}
	})
}

func FuzzParseAPDU(f *testing.F) {
	seeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, b []byte) {
		a, n, err := ParseAPDU(b)
		if err != nil {
			if a != nil || n != 0 {
				t.Fatalf("result with error")
			}
			return
		}
		hdr, l, ok := apduHeader(b)
		if !ok || n != hdr+l || n > len(b) || len(a.Data) != l {
			t.Fatalf("consumed %d, header %d + %d, have %d", n, hdr, l, len(b))
		}
		// The field decoders never panic, whatever the command bytes say.
		_, _ = DecodeStatus(&APDU{Class: 0x04, Instr: 0x0F, Data: a.Data})
		_, _ = DecodeRequest(a)
		_, _ = DecodeAbort(a)
		_, _ = DecodeCompletion(a)
		_, _ = DecodePrintText(&APDU{Class: 0x06, Instr: 0xD3, Data: a.Data})
		_, _ = DecodeIntermediate(a)
		if r := redactAPDU(b[:n]); len(r) != n {
			t.Fatalf("redaction changed the length")
		}
	})
}

// decodeAll feeds data to a fresh decoder in pieces cut at cuts and
// returns the marshalled events and the frame count.
func decodeAll(t *testing.T, opts Options, dir drivers.Direction, data []byte, cuts []int) ([]byte, int) {
	d := New(opts)
	var evs []drivers.Event
	prev := 0
	for _, c := range append(cuts, len(data)) {
		c = min(max(c, prev), len(data))
		evs = append(evs, d.Feed(drivers.Chunk{Time: t0, Dir: dir, Data: data[prev:c]})...)
		prev = c
	}
	evs = append(evs, d.Flush(t0.Add(time.Minute))...)
	var out []byte
	for _, e := range evs {
		if r, ok := e.(*drivers.Receipt); ok {
			for _, l := range r.Lines {
				m := []byte(l.Text)
				if maskTextPANs(m); string(m) != l.Text {
					t.Fatalf("receipt line carries a card number: %q", l.Text)
				}
			}
		}
		b, err := drivers.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, b...), '\n')
	}
	return out, d.Stats().Frames
}

// fuzzSlip is the slip profile FuzzDecoder uses on every other input.
var fuzzSlip = func() *slip.Profile {
	p, err := slip.Builtin("de-en")
	if err != nil {
		panic(err)
	}
	return p
}()

func FuzzDecoder(f *testing.F) {
	seeds(f, func(b []byte) { f.Add(b, uint16(len(b)/3), uint16(len(b)/2), uint8(0)) })
	f.Fuzz(func(t *testing.T, data []byte, c1, c2 uint16, mode uint8) {
		opts := Options{Framing: [...]string{FramingAuto, FramingSerial, FramingTCP, FramingAuto}[mode%4], Currency: "EUR"}
		if mode&8 != 0 {
			opts.Slip = fuzzSlip
			opts.Charset = CharsetLatin1
		}
		opts.Messages = mode&16 != 0 // the decode view must not change the events
		dir := drivers.Direction(mode >> 2 & 1)
		whole, frames := decodeAll(t, opts, dir, data, nil)
		cuts := []int{int(c1) % (len(data) + 1), int(c2) % (len(data) + 1)}
		chunked, framesChunked := decodeAll(t, opts, dir, data, cuts)
		if !bytes.Equal(whole, chunked) || frames != framesChunked {
			t.Fatalf("chunking changed the result (cuts %v):\nwhole   %s (%d frames)\nchunked %s (%d frames)", cuts, whole, frames, chunked, framesChunked)
		}
		// Redaction keeps the events of a serial stream (unless masking
		// made two different unacknowledged frames equal: then the
		// retransmission dedupe may differ).
		r := NewRedactor()
		r.framing = FramingSerial
		red := r.Redact(dir, data)
		if opts.Framing == FramingSerial {
			plain, redacted := New(opts), New(opts)
			a := run(plain, []step{{dir, data}})
			b := run(redacted, []step{{dir, red}})
			if plain.Stats().Retransmits == redacted.Stats().Retransmits {
				if ja, jb := marshalAll(t, a), marshalAll(t, b); !bytes.Equal(ja, jb) {
					t.Fatalf("redaction changed the events:\nplain    %s\nredacted %s", ja, jb)
				}
			}
		}
	})
}

// marshalAll encodes events as JSON lines.
func marshalAll(t *testing.T, evs []drivers.Event) []byte {
	var out []byte
	for _, e := range evs {
		b, err := drivers.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, b...), '\n')
	}
	return out
}

func BenchmarkDecoderSerial(b *testing.B) {
	steps := serialSale()
	frames := 0
	var size int
	for _, s := range steps {
		size += len(s.data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		d := New(Options{Framing: FramingSerial})
		for _, s := range steps {
			d.Feed(drivers.Chunk{Time: t0, Dir: s.dir, Data: s.data})
		}
		frames += d.Stats().Frames
	}
	b.ReportMetric(float64(frames)/time.Since(start).Seconds(), "frames/s")
}

func BenchmarkDecoderTCPReceipt(b *testing.B) {
	v := vectorByID(b, loadVectors(b), "everest-print_system_configuration_reply.blob")
	data := v.bytes(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	d := New(Options{Framing: FramingTCP})
	for b.Loop() {
		d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: data})
	}
}

func BenchmarkDecodeStatus(b *testing.B) {
	v := vectorByID(b, loadVectors(b), "portalum-Parse_ReversalGood1_Successful")
	a, _, err := ParseAPDU(v.bytes(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeStatus(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRedactSerial(b *testing.B) {
	data := Frame(cardAPDU(fullPANs[0]))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	r := NewRedactor()
	for b.Loop() {
		r.Redact(drivers.FromDevice, data)
	}
}

// BenchmarkDecoderNoise feeds 1 MiB of ACK bytes in 7-byte chunks with auto
// framing: the undecided start must not make decoding quadratic.
func BenchmarkDecoderNoise(b *testing.B) {
	data := bytes.Repeat([]byte{ACK}, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d := New(Options{})
		for p := data; len(p) > 0; p = p[min(7, len(p)):] {
			d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: p[:min(7, len(p))]})
		}
	}
}
