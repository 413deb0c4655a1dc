package escpos

import (
	"image"
	"time"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// maxHeld bounds the bytes a RasterRedactor holds back while an image is
// open; past it the held image data is blanked and released.
const maxHeld = 8 << 20

// RasterRedactor is the Redactor of a lane whose receipts are printed as
// images: besides the digits of text, it blanks the dots of every card
// number a recogniser reads in a printed image (the glyph cells of the
// digits MaskOCRPANs hides; the whole line where the recogniser gives
// no cells). Bytes from the first image command of a run of images are
// held back until that run is closed and read, so nothing unread is
// written down. A card number the recogniser cannot read is not found:
// learn the lane's font (see drivers/glyphs).
//
// A RasterRedactor made with MidStream starts unsynchronised (see
// RedactAt): one that begins reading a line mid-receipt would read the
// rest of an image's bytes as text and pass its dots unblanked.
type RasterRedactor struct {
	text    *Redactor
	dec     *Decoder
	held    []byte
	heldOff int64 // stream offset of held[0]
	off     int64 // stream offset of the next byte

	rec      Recognizer
	printer  *Printer
	gap      time.Duration // MidStream's quiet gap; 0: reads from a stream's start
	unsynced bool          // blanking every host byte until a quiet line
	last     time.Time     // the host line's last byte or opening; zero: unknown

	overflows int // image runs written blanked for want of room (maxHeld)
}

// NewRasterRedactor returns a redactor that reads images with rec
// (nil: only text is redacted) on a printer of profile p (nil: epson).
// It reads from the start of a stream; see MidStream for a live line.
func NewRasterRedactor(rec Recognizer, p *Printer) *RasterRedactor {
	r := &RasterRedactor{text: NewRedactor(), rec: rec, printer: p}
	r.reset()
	return r
}

// reset starts reading a new stream with a fresh decoder.
func (r *RasterRedactor) reset() {
	r.held, r.heldOff, r.off = nil, 0, 0
	if r.rec != nil {
		r.dec = New(Options{Recognizer: r.rec, Printer: r.printer})
		r.dec.onImage = r.blank
	}
}

// MidStream makes r a reader of a live line that may begin inside an
// image (a capture or tap opened while a receipt prints): until it sees
// the host line quiet for gap, RedactAt blanks every host byte (see
// RedactAt). A text-only redactor (no recogniser) is unchanged.
func (r *RasterRedactor) MidStream(gap time.Duration) *RasterRedactor {
	if r.dec != nil && gap > 0 {
		r.gap, r.unsynced = gap, true
	}
	return r
}

// Opened tells a MidStream redactor that its line (re)opened, or was last
// heard, at at: the quiet gap counts from there, so the first receipt
// after a port opened on a quiet line is read. After a line came back up,
// bytes were lost: r is unsynchronised again.
func (r *RasterRedactor) Opened(at time.Time) {
	if r.gap <= 0 {
		return
	}
	r.unsynced = true
	if at.After(r.last) {
		r.last = at
	}
}

// Overflows is how many times r wrote the held part of an image run too
// long to hold back (maxHeld) with its dots blanked, unread: the caller
// says so where the bytes go (capture.Sink logs it).
func (r *RasterRedactor) Overflows() int { return r.overflows }

// StatusPolls reports whether data is nothing but status requests (DLE
// EOT n, DLE ENQ n, GS r n, GS I n): a register that polls its printer
// between receipts does not keep the line from counting as quiet (a
// chunk of image data that is exactly such a request among others does
// not either: the chunks around it do).
func StatusPolls(data []byte) bool {
	for len(data) >= 3 {
		n := 3
		switch {
		case data[0] == 0x10 && data[1] == 0x04:
			if data[2] == 7 || data[2] == 8 || data[2] == 18 {
				n = 4
			}
		case data[0] == 0x10 && data[1] == 0x05, data[0] == 0x1d && (data[1] == 'r' || data[1] == 'I'):
		default:
			return false
		}
		if len(data) < n {
			return false
		}
		data = data[n:]
	}
	return len(data) == 0
}

// RedactAt is Redact for host bytes read at at. A MidStream redactor
// blanks every host byte (0x00, the length kept; held bytes too) until a
// chunk comes at least the quiet gap after the line's last byte (status
// polls aside, see StatusPolls) or opening; from that chunk on it reads the stream afresh. What it loses:
// the rest of the receipt in flight when it started (or when its line
// came back up), printed as zeros.
func (r *RasterRedactor) RedactAt(at time.Time, dir drivers.Direction, data []byte) []byte {
	if dir == drivers.FromDevice || !r.unsynced {
		return r.read(dir, data)
	}
	quiet := !r.last.IsZero() && at.Sub(r.last) >= r.gap
	if at.After(r.last) && !StatusPolls(data) {
		r.last = at
	}
	if !quiet {
		return r.Redact(dir, data)
	}
	r.unsynced = false
	out := make([]byte, len(r.held)) // bytes of an image cut by the line going down
	r.reset()
	return append(r.text.Redact(dir, out), r.read(dir, data)...)
}

// Redact returns the bytes of data safe to write down; it may hold some
// back until a later call. An unsynchronised MidStream redactor, given no
// times, blanks every host byte: use RedactAt.
func (r *RasterRedactor) Redact(dir drivers.Direction, data []byte) []byte {
	if r.unsynced && dir == drivers.FromHost {
		out := make([]byte, len(r.held)+len(data))
		r.held = nil
		return r.text.Redact(dir, out)
	}
	return r.read(dir, data)
}

// read redacts data of a stream read from its start (or a quiet line).
func (r *RasterRedactor) read(dir drivers.Direction, data []byte) []byte {
	if dir == drivers.FromDevice || r.dec == nil {
		return r.text.Redact(dir, data)
	}
	if len(r.held) == 0 {
		r.heldOff = r.off
	}
	r.held = append(r.held, data...)
	r.off += int64(len(data))
	r.dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: data})
	r.blankOpaque()
	if r.dec.imageOpen() && len(r.held) < maxHeld {
		return nil
	}
	if r.dec.imageOpen() {
		r.blankAll(r.dec.openPlaces())
		r.overflows++
	}
	out := r.held
	r.held = nil
	return r.text.Redact(dir, out)
}

// imageOpen reports whether an image is being drawn or waits to be read.
func (d *Decoder) imageOpen() bool {
	return d.ras.img.kind != imgNone || d.ras.std.seg != nil || d.page.ras.seg != nil || d.ras.stored != nil
}

// openPlaces lists the placements of images not yet read.
func (d *Decoder) openPlaces() []placement {
	ps := append(append([]placement(nil), d.ras.std.places...), d.page.ras.places...)
	return append(ps, d.ras.storedAt...)
}

// blank clears the dots of the card numbers read in an image, and all of
// an image no recogniser read (raster.Result.Unread).
func (r *RasterRedactor) blank(p *rasterPos, res raster.Result) {
	if res.Unread { // nothing read it: whatever it shows is blanked
		r.blankAll(p.places)
		return
	}
	found := false
	defer func() {
		if found { // the number may lie in dots that cannot be located
			r.blankSpans(p.places)
		}
	}()
	for _, l := range res.Lines {
		if len(l.Masked) > 0 { // masked where it was kept (agent/recog)
			found = true
			if len(l.Cells) != utf8.RuneCountInString(l.Text) {
				r.blankRect(p.places, l.Box)
				continue
			}
			for _, i := range l.Masked {
				if i >= 0 && i < len(l.Cells) {
					r.blankRect(p.places, l.Cells[i])
				}
			}
			continue
		}
		masked := drivers.MaskOCRPANs(l.Text) // digits read as look-alikes too
		if masked == l.Text {
			continue
		}
		found = true
		if len(l.Cells) != utf8.RuneCountInString(l.Text) {
			r.blankRect(p.places, l.Box)
			continue
		}
		// Runes of the text and of the masked text line up: MaskOCRPANs
		// only turns runes into '*'.
		mr := []rune(masked)
		for i, c := range []rune(l.Text) {
			if i < len(mr) && mr[i] != c {
				r.blankRect(p.places, l.Cells[i])
			}
		}
	}
}

// blankRect clears every bit that drew a dot inside rect.
func (r *RasterRedactor) blankRect(places []placement, rect image.Rectangle) {
	for _, pl := range places {
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			for x := rect.Min.X; x < rect.Max.X; x++ {
				if off, bit, ok := pl.source(x, y); ok {
					if i := off - r.heldOff; i >= 0 && i < int64(len(r.held)) {
						r.held[i] &^= bit
					}
				}
			}
		}
	}
}

// blankAll clears all image data of the placements (an image too large to
// hold back is written without its dots).
func (r *RasterRedactor) blankAll(places []placement) {
	for _, pl := range places {
		r.blankRange(pl)
	}
}

// blankSpans clears the spans among the placements: data whose dots
// cannot be located.
func (r *RasterRedactor) blankSpans(places []placement) {
	for _, pl := range places {
		if pl.span > 0 {
			r.blankRange(pl)
		}
	}
}

// blankOpaque clears the held bytes of image data the decoder does not
// draw (so no recogniser reads it and no card number in it is found) and
// forgets the bodies that ended (found in review: a GS * or DC2 * bitmap
// of a full card number went to every sink as sent).
func (r *RasterRedactor) blankOpaque() {
	r.blankAll(r.dec.opaque)
	n := 0
	for _, pl := range r.dec.opaque {
		if pl.end() > r.off {
			r.dec.opaque[n] = pl
			n++
		}
	}
	r.dec.opaque = r.dec.opaque[:n]
}

// blankRange clears the held bytes of one placement's data.
func (r *RasterRedactor) blankRange(pl placement) {
	for i := max(pl.off-r.heldOff, 0); i < pl.end()-r.heldOff && i < int64(len(r.held)); i++ {
		r.held[i] = 0
	}
}

// source finds the stream byte and bit that drew dot x, y.
func (pl placement) source(x, y int) (int64, byte, bool) {
	if x < pl.x0 || y < pl.y0 || pl.sx <= 0 || pl.sy <= 0 {
		return 0, 0, false
	}
	cx, cy := (x-pl.x0)/pl.sx, (y-pl.y0)/pl.sy
	if pl.cols {
		if cx >= pl.units || cy >= pl.unit*8 {
			return 0, 0, false
		}
		return pl.off + int64(cx*pl.unit+cy/8), 0x80 >> (cy % 8), true
	}
	if cy >= pl.units || cx >= pl.unit*8 {
		return 0, 0, false
	}
	return pl.off + int64(cy*pl.unit+cx/8), 0x80 >> (cx % 8), true
}

// ReadFunc returns what a recogniser read in a closed image, or false
// when it has not been read (yet): see RedactImages.
type ReadFunc func(img *raster.Bitmap) (raster.Result, bool)

// RedactImages returns a copy of a print stream (host bytes from the start
// of a stream or job) safe to write down before its images are read: the
// dots of every image read returns false for, and of every image still
// open at the end, are blanked whole; in an image read, the card numbers
// are blanked as a RasterRedactor blanks them. Text is left as it is (mask
// it as text). It runs no recogniser: an agent keeps the raw input of a
// raster lane durable with it while recognition runs elsewhere.
func RedactImages(stream []byte, p *Printer, read ReadFunc) []byte {
	r := &RasterRedactor{held: append([]byte(nil), stream...)}
	unread := false
	r.dec = New(Options{Printer: p, Recognizer: recognizerFunc(func(img *raster.Bitmap) raster.Result {
		res, ok := read(img)
		unread = !ok
		return res
	})})
	r.dec.onImage = func(pos *rasterPos, res raster.Result) {
		if unread {
			r.blankAll(pos.places)
			return
		}
		r.blank(pos, res)
	}
	r.dec.Feed(drivers.Chunk{Dir: drivers.FromHost, Data: stream})
	r.blankOpaque()
	r.blankAll(r.dec.openPlaces())
	return r.held
}

// recognizerFunc adapts a function to Recognizer.
type recognizerFunc func(*raster.Bitmap) raster.Result

func (f recognizerFunc) Recognize(img *raster.Bitmap) raster.Result { return f(img) }
