package escpos

import "github.com/tillwatch/tillwatch/drivers/raster"

// imgKind is the layout of the image data a command carries.
type imgKind uint8

const (
	imgNone     imgKind = iota
	imgRows             // GS v 0 and GS ( L fn 112 data: rows of packed bits, MSB left
	imgColumns          // ESC *: columns of 1 or 3 bytes, MSB top
	imgGraphics         // GS ( L / GS 8 L body: m fn, then (fn 112, 113) a bx by c xL xH yL yH
)

// imgCmd streams the data of one image command into a bitmap as it
// arrives, in any chunking. Only what fits the bitmap is kept; the rest
// of the declared length is read and dropped by the framing.
type imgCmd struct {
	kind    imgKind
	unit    int    // bytes per row or per column
	units   int    // rows or columns expected
	done    int    // units complete
	got     int    // bytes of the current unit seen
	buf     []byte // the current unit, at most keepBytes
	x0      int    // where the image's top left dot goes
	y0      int
	sx      int // each source dot is sx dots wide and sy dots tall
	sy      int
	dst     *raster.Bitmap
	head    [10]byte // GS ( L body head
	hn      int
	store   bool  // GS ( L fn 112, 113: the data goes to the graphics buffer
	bodyOff int64 // stream offset of a GS ( L body
}

// keepBytes is the most bytes of one row or column kept: a row wider than
// the page is clipped.
const keepBytes = raster.MaxWidth/8 + 1

// feed consumes body bytes of the command.
func (c *imgCmd) feed(d *Decoder, b []byte) {
	for len(b) > 0 {
		if c.kind == imgGraphics {
			n := min(len(c.head)-c.hn, len(b))
			copy(c.head[c.hn:], b[:n])
			c.hn += n
			b = b[n:]
			if c.hn >= 2 && c.head[1] != 112 && c.head[1] != 113 {
				if d.onImage != nil && (c.head[1] == 67 || c.head[1] == 83) {
					// fn 67 / 83 define NV / download graphics: image
					// data not drawn, for the Redactor to blank (found in
					// review). The body ends d.skip bytes from here.
					from := c.bodyOff + 2
					d.opaque = append(d.opaque, placement{off: from, span: d.hostOff + d.skip - from})
				}
				c.kind = imgNone // not raster data: nothing to keep
				return
			}
			if c.hn == len(c.head) {
				d.startStored(c)
			}
			continue
		}
		if c.kind == imgNone || c.done >= c.units || c.unit <= 0 {
			return
		}
		n := min(c.unit-c.got, len(b))
		if room := keepBytes - len(c.buf); room > 0 {
			c.buf = append(c.buf, b[:min(room, n)]...)
		}
		c.got += n
		b = b[n:]
		if c.got == c.unit {
			c.place()
			c.done++
			c.got, c.buf = 0, c.buf[:0]
		}
	}
}

// place draws the unit just completed.
func (c *imgCmd) place() {
	if c.kind == imgRows {
		y := c.y0 + c.done*c.sy
		if y >= raster.MaxHeight {
			c.dst.Clipped++
			return
		}
		for k := 0; k < c.sy; k++ {
			c.dst.OrRow(c.x0, y+k, c.buf, c.sx)
		}
		return
	}
	x := c.x0 + c.done*c.sx
	for i, v := range c.buf {
		for bit := 0; bit < 8 && v != 0; bit++ {
			if v&(0x80>>bit) == 0 {
				continue
			}
			y := c.y0 + (i*8+bit)*c.sy
			for dy := 0; dy < c.sy; dy++ {
				for dx := 0; dx < c.sx; dx++ {
					c.dst.Set(x+dx, y+dy)
				}
			}
		}
	}
}

// height is how many dots of paper the image takes.
func (c *imgCmd) height() int {
	if c.kind == imgRows {
		return c.units * c.sy
	}
	return c.unit * 8 * c.sy
}

// scale2 maps a "times two" flag to a dot size.
func scale2(double bool) int {
	if double {
		return 2
	}
	return 1
}
