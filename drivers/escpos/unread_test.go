package escpos_test

import (
	"math/bits"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
	"github.com/tillwatch/tillwatch/internal/rastertest"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// unread is a recogniser that did not read the image (stuck, failed).
type unread struct{}

func (unread) Recognize(*raster.Bitmap) raster.Result {
	return raster.Result{Engine: "none: not read (test)", Unread: true}
}

// TestUnreadImage: an image no recogniser read (raster.Result.Unread)
// prints a receipt with amounts not read, recognised.engine saying why,
// and a RasterRedactor writes none of its dots.
func TestUnreadImage(t *testing.T) {
	stream, _ := panReceipt(t, rastertest.GoFont(t), rasterprint.GSv0)
	dec := escpos.New(escpos.Options{Recognizer: unread{}})
	var r *drivers.Receipt
	for _, ev := range append(dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: stream}), dec.FlushAll()...) {
		if rc, ok := ev.(*drivers.Receipt); ok {
			r = rc
		}
	}
	if r == nil || r.Recognised == nil || !r.Recognised.AmountsUnsure || r.Recognised.Engine != "none: not read (test)" || !r.Cut {
		t.Fatalf("receipt %+v (recognised %+v); want a cut receipt, amounts not read, saying why", r, r.Recognised)
	}
	red := escpos.NewRasterRedactor(unread{}, nil)
	out := red.Redact(drivers.FromHost, stream)
	if len(out) != len(stream) {
		t.Fatalf("redacted %d bytes of %d", len(out), len(stream))
	}
	if got := imageDots(t, out); got != 0 {
		t.Fatalf("%d dots of an unread image written, want 0", got)
	}
	if imageDots(t, stream) == 0 {
		t.Fatal("the test receipt prints no dots")
	}
}

// imageDots counts the dots the images of stream print.
func imageDots(t *testing.T, stream []byte) int {
	t.Helper()
	c := &dotCounter{}
	dec := escpos.New(escpos.Options{Recognizer: c})
	dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: stream})
	dec.FlushAll()
	return c.n
}

// dotCounter counts the dots of the images it is given, reading nothing.
type dotCounter struct{ n int }

func (c *dotCounter) Recognize(img *raster.Bitmap) raster.Result {
	for y := range img.H {
		for _, b := range img.Row(y) {
			c.n += bits.OnesCount8(b)
		}
	}
	return raster.Result{}
}
