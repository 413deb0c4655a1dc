package tap

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/internal/rastertest"
)

// TestSubscribeMidImage: a subscriber joining while a raster receipt with
// a Luhn-valid card number drawn as an image prints gets none of the rest
// of its bytes (zeros, the length kept): the hub tells the raster
// printer's redactor when the line was last heard, so it knows it starts
// mid-stream. The receipt after the line was quiet for lane.IdleGap
// passes as redacted from a stream's start, and a subscriber joining on a
// quiet line gets the first receipt so. Found in review: the subscriber's
// redactor read the rest of the image as text and passed its dots.
func TestSubscribeMidImage(t *testing.T) {
	stream := rastertest.PANReceipt(t)
	want := escpos.NewRasterRedactor(rastertest.ReadsNothing{}, nil).Redact(drivers.FromHost, stream)
	h := New(context.Background(), func() capture.Redactor {
		return lane.Redactors{"printer": escpos.NewRasterRedactor(rastertest.ReadsNothing{}, nil).MidStream(lane.IdleGap)}
	})
	send := func(at time.Time, data []byte) {
		rastertest.Feed(at, data, func(c drivers.Chunk) { h.Chunk("printer", c) })
	}
	got := func(s *Sub, n int) []byte {
		var b bytes.Buffer
		for b.Len() < n {
			select {
			case r := <-s.C:
				b.Write(r.Data)
			default:
				t.Fatalf("%d bytes of %d reached the subscriber", b.Len(), n)
			}
		}
		return b.Bytes()
	}
	h.Link("printer", &drivers.Link{Head: drivers.Head{Time: t0}, Up: true})
	cut := len(stream) / 3
	send(t0.Add(2*time.Second), stream[:cut])
	s := h.Subscribe(nil) // joins mid-image
	send(t0.Add(3*time.Second), stream[cut:])
	if b := got(s, len(stream)-cut); bytes.ContainsFunc(b, func(r rune) bool { return r != 0 }) {
		t.Error("joined mid-image: bytes of the image reached the subscriber")
	}
	send(t0.Add(time.Minute), stream)
	if !bytes.Equal(got(s, len(stream)), want) {
		t.Error("the receipt after the quiet line is not redacted as from a stream's start")
	}
	h.Cancel(s)
	s = h.Subscribe(nil) // joins on a quiet line
	send(t0.Add(2*time.Minute), stream)
	if !bytes.Equal(got(s, len(stream)), want) {
		t.Error("joined on a quiet line: the first receipt is not redacted as before")
	}
	h.Cancel(s)
}
