package escpos_test

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/internal/rastertest"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// TestStartedMidImage: a decoder that starts reading a raster printer's
// line inside an image (an agent started, or its link came back, while a
// receipt printed) reads the rest of the image as whatever its bytes
// spell: a job of stray text, and, at some cut points, a settled decoder
// while the image is still being sent. It never stays out of step: the
// next receipt, after a quiet line, is read as one cut receipt of one
// image, at every cut point of a GS v 0 and an ESC * receipt.
func TestStartedMidImage(t *testing.T) {
	page, _ := rasterprint.Render(rastertest.GoFont(t), []rasterprint.Line{{Left: "TOTAL", Right: "3.98", Bold: true},
		{Left: "CARD " + rastertest.PAN, Right: "3.98"}}, 576, 8)
	for _, mode := range []rasterprint.Mode{rasterprint.GSv0, rasterprint.ESCStar} {
		stream := rasterprint.Encode(page, 576, mode)
		settledInside := 0
		for cut := 1; cut < len(stream)-6; cut += 37 {
			dec := escpos.New(escpos.Options{Recognizer: rastertest.ReadsNothing{}})
			at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
			tail := stream[cut:]
			settled, fed := false, 0
			rastertest.Feed(at, tail, func(c drivers.Chunk) {
				dec.Feed(c)
				at, fed = c.Time, fed+len(c.Data)
				settled = settled || dec.Settled() && fed < len(tail)-7 // before the feed and cut that end the receipt
			})
			if settled {
				settledInside++
			}
			at = at.Add(2 * time.Second) // a quiet line, then a whole receipt
			dec.Flush(at)
			evs := append(dec.Feed(drivers.Chunk{Time: at, Dir: drivers.FromHost, Data: stream}), dec.Flush(at.Add(time.Minute))...)
			var rs []*drivers.Receipt
			for _, ev := range evs {
				if r, ok := ev.(*drivers.Receipt); ok && !r.Start.Before(at) {
					rs = append(rs, r)
				}
			}
			if len(rs) != 1 || !rs[0].Cut || !rs[0].GraphicsOnly {
				t.Fatalf("%v, started %d bytes in: the next receipt read as %d receipts (%+v), want one cut, of one image", mode, cut, len(rs), rs)
			}
		}
		t.Logf("%v: settled inside the image at %d of %d cut points", mode, settledInside, (len(stream)-7)/37+1)
	}
}
