package escpos_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/internal/rastertest"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// TestRasterRedactorMidStream: a MidStream redactor that starts reading
// inside an image (a capture, tap or raw log opened while a receipt
// prints) lets no dot of it through: the card number cannot be read back
// from the head of the stream and what it wrote, wherever the cut. After
// the line was quiet for the gap, the next receipt is redacted as from
// the start of a stream; a redactor opened on a quiet line reads the
// first receipt as before; a text-only redactor is unchanged. Found in
// review: the rest of the image was read as text and passed unblanked.
func TestRasterRedactorMidStream(t *testing.T) {
	f := rastertest.GoFont(t)
	d := goDict(t, f)
	const gap = time.Second
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for _, mode := range []rasterprint.Mode{rasterprint.GSv0, rasterprint.ESCStar} {
		stream, _ := panReceipt(t, f, mode)
		want := escpos.NewRasterRedactor(d, nil).Redact(drivers.FromHost, stream)
		// feed writes data in 512-byte chunks 50 ms apart (115200 baud)
		// from at, returning what the redactor let through.
		feed := func(r *escpos.RasterRedactor, at time.Time, data []byte) []byte {
			var out bytes.Buffer
			for len(data) > 0 {
				n := min(len(data), 512)
				out.Write(r.RedactAt(at, drivers.FromHost, data[:n]))
				data, at = data[n:], at.Add(50*time.Millisecond)
			}
			return out.Bytes()
		}
		holes := 0
		for frac := 3; frac < 100; frac += 4 {
			cut := len(stream) * frac / 100
			head := append(append([]byte(nil), stream[:cut]...), make([]byte, len(stream)-cut)...)
			if strings.Contains(readLines(t, d, head), "411111") {
				continue // the card line lies before the cut: no sink saw it
			}
			// The reviewed hole: read from the cut, the image's rest passes
			// as text and the card line reads back (the decoder masks what
			// it reads: the line reading at all means its dots are there).
			old := escpos.NewRasterRedactor(d, nil).Redact(drivers.FromHost, stream[cut:])
			if got := readLines(t, d, append(append([]byte(nil), stream[:cut]...), old...)); strings.Contains(got, "411111*") {
				holes++
			}
			r := escpos.NewRasterRedactor(d, nil).MidStream(gap)
			r.Opened(t0) // the port opened as the receipt printed
			out := feed(r, t0.Add(10*time.Millisecond), stream[cut:])
			if len(out) != len(stream)-cut {
				t.Fatalf("%s cut at %d%%: %d bytes out of %d", mode, frac, len(out), len(stream)-cut)
			}
			if bytes.ContainsFunc(out, func(r rune) bool { return r != 0 }) {
				t.Errorf("%s cut at %d%%: unsynchronised, a byte was let through", mode, frac)
			}
			back := append(append([]byte(nil), stream[:cut]...), out...)
			if got := readLines(t, d, back); strings.Contains(got, "411111") {
				t.Errorf("%s cut at %d%%: the card number reads back: %q", mode, frac, got)
			}
			// A second receipt after a quiet line is read as before.
			next := feed(r, t0.Add(time.Minute), stream)
			if !bytes.Equal(next, want) {
				t.Errorf("%s cut at %d%%: the receipt after the quiet line is not redacted as from a stream's start", mode, frac)
			}
		}
		if holes == 0 {
			t.Fatalf("%s: no cut shows the reviewed hole: the test cannot see it", mode)
		}
		// Opened on a quiet line: the first receipt is read as before.
		r := escpos.NewRasterRedactor(d, nil).MidStream(gap)
		r.Opened(t0)
		if got := feed(r, t0.Add(gap), stream); !bytes.Equal(got, want) {
			t.Errorf("%s: the first receipt on a quiet line is not redacted as before", mode)
		}
		// A register polling the printer's status every 500 ms keeps the
		// line quiet: the receipt after 1 s of polls only is read.
		r = escpos.NewRasterRedactor(d, nil).MidStream(gap)
		r.Opened(t0)
		rest := stream[len(stream)/3:]
		feed(r, t0, rest)
		at := t0.Add(time.Duration(len(rest)/512+1) * 50 * time.Millisecond) // the last chunk's time
		at = at.Add(500 * time.Millisecond)
		for range 4 {
			r.RedactAt(at, drivers.FromHost, []byte("\x10\x04\x01\x1dr\x01"))
			at = at.Add(500 * time.Millisecond)
		}
		if got := feed(r, at, stream); !bytes.Equal(got, want) {
			t.Errorf("%s: the receipt after a line with status polls only is not redacted as before", mode)
		}
		// No times known: every host byte is blanked.
		r = escpos.NewRasterRedactor(d, nil).MidStream(gap)
		if got := r.Redact(drivers.FromHost, stream); len(got) != len(stream) || bytes.ContainsFunc(got, func(r rune) bool { return r != 0 }) {
			t.Errorf("%s: an unsynchronised redactor given no times let bytes through", mode)
		}
	}
	// A text lane (no recogniser) is unchanged.
	text := []byte("CARD " + pan + "\nTOTAL 3.98\n")
	got := escpos.NewRasterRedactor(nil, nil).MidStream(gap).RedactAt(t0, drivers.FromHost, text)
	if want := escpos.NewRedactor().Redact(drivers.FromHost, append([]byte(nil), text...)); !bytes.Equal(got, want) {
		t.Errorf("text lane: %q, want %q", got, want)
	}
}
