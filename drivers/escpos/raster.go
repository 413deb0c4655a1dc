package escpos

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// defaultSpacing is the power-on line spacing in dots (ESC 2: 1/6 inch at
// 180 dpi).
const defaultSpacing = 30

// Recognizer reads text lines in a page image. It must be deterministic
// (the same image gives the same lines) so that replay decides like the
// live agent. drivers/glyphs and drivers/tesseract implement it.
type Recognizer interface {
	Recognize(img *raster.Bitmap) raster.Result
}

// rasterPos is where the next image dots go on a canvas: the current image
// segment of the job (standard mode) or the page (page mode).
type rasterPos struct {
	seg   *raster.Bitmap // nil until an image prints
	at    int64          // host offset of the first image command on it
	cmd   string         // that command's name
	cmds  int            // image commands drawn on it
	y     int            // top of the current print line
	x     int            // column of the next ESC * band on the line
	bandH int            // tallest band on the current line, 0 when none
	extW  int            // extent of the images drawn (as declared, bounded), dots
	extH  int
	// places says which stream bytes drew which dots (for the Redactor),
	// kept only when track is set.
	places []placement
	track  bool
}

// placement is where one image command's data went on the canvas: its
// units (rows or columns) start at stream offset off. A placement with a
// span is only a range of stream bytes, span long, holding the data of
// commands past maxPlaces: its dots cannot be located, so a redactor
// blanks it whole.
type placement struct {
	cols           bool
	off            int64
	unit, units    int
	x0, y0, sx, sy int
	span           int64
}

// end returns the stream offset just past the placement's data.
func (pl placement) end() int64 {
	if pl.span > 0 {
		return pl.off + pl.span
	}
	return pl.off + int64(pl.unit)*int64(pl.units)
}

// maxPlaces bounds the placements kept for one canvas; the data of the
// commands past it is kept as one span.
const maxPlaces = 4096

// addPlace appends pl to ps, or past maxPlaces widens the span at the end
// of ps over pl's data (found in review: the data of commands past the
// bound was not tracked, so an unread image's rows past its 4096th
// command were written with their dots).
func addPlace(ps []placement, pl placement) []placement {
	if len(ps) < maxPlaces {
		return append(ps, pl)
	}
	if n := len(ps); ps[n-1].span > 0 {
		last := &ps[n-1]
		off := min(last.off, pl.off)
		last.span, last.off = max(last.end(), pl.end())-off, off
		return ps
	}
	return append(ps, placement{off: pl.off, span: pl.end() - pl.off})
}

// place records a placement when tracking.
func (p *rasterPos) place(pl placement) {
	if p.track {
		p.places = addPlace(p.places, pl)
	}
}

// extend grows the declared extent by an image at x0, y0 of w x h dots.
func (p *rasterPos) extend(x0, y0, w, h int) {
	p.extW = max(p.extW, min(x0+w, raster.MaxWidth))
	p.extH = max(p.extH, min(y0+h, raster.MaxHeight))
}

// rasterState joins the image commands of a job into page images: ESC *
// bands side by side and line after line, GS v 0 and printed GS ( L
// graphics below each other, until text, a cut or the end of the job
// closes the image. A closed image is recognised (Options.Recognizer)
// where it stands among the job's text lines.
type rasterState struct {
	spacing  int // line spacing in dots (ESC 3 n; ESC 2 and ESC @ restore 30)
	left     int // left margin in dots (GS L)
	area     int // print area width in dots (GS W), 0 unset
	hunit    int // horizontal motion unit 1/hunit inch (GS P x), 0: one dot
	std      rasterPos
	img      imgCmd
	stored   *raster.Bitmap // GS ( L / GS 8 L graphics buffer (fn 112, 113, printed by fn 50)
	storedW  int            // its declared width in dots
	storedH  int            // the declared height of its column data (fn 113), bounded
	storedAt []placement    // where its data came from (for the Redactor)
	spare    *raster.Bitmap // a printed graphics buffer, emptied, for the next
}

// newBitmap returns a canvas for images. Without a recogniser nothing
// reads their dots: only their size is kept (what the paper moves by).
func (d *Decoder) newBitmap() *raster.Bitmap {
	if d.opts.Recognizer == nil {
		return raster.NewSizeOnly()
	}
	return raster.New()
}

// pos returns the active canvas position.
func (d *Decoder) pos() *rasterPos {
	if d.page.on {
		return &d.page.ras
	}
	return &d.ras.std
}

// canvas returns the active canvas, opening it (and the job) as needed.
func (d *Decoder) canvas(cmd string) *rasterPos {
	d.graphics()
	p := d.pos()
	if p.seg == nil {
		p.seg, p.at, p.cmd, p.cmds = d.newBitmap(), d.cmdAt, cmd, 0
		p.x, p.bandH = 0, 0
		p.track = d.onImage != nil
		if !d.page.on {
			p.y = 0
		} // a page keeps its vertical position (GS $, feeds)
	}
	if d.page.on && (p.cmds == 0 || p.y < d.page.imgTop) {
		d.page.imgTop = p.y
	}
	p.cmds++
	return p
}

// beginRaster starts GS v 0 m xL xH yL yH: rows of x bytes.
func (d *Decoder) beginRaster(p []byte) {
	m := p[3]
	if m >= '0' {
		m -= '0'
	}
	xb, rows := int(le16(p, 4)), int(le16(p, 6))
	c := d.canvas("GS v 0")
	d.endBand(c)
	d.ras.img = imgCmd{kind: imgRows, unit: xb, units: rows, sx: scale2(m&1 != 0), sy: scale2(m&2 != 0),
		x0: d.ras.left + d.xOrigin(), y0: c.y, dst: c.seg, buf: d.ras.img.buf[:0]}
	c.extend(d.ras.img.x0, c.y, min(xb, keepBytes)*8*d.ras.img.sx, d.ras.img.height())
	c.place(placement{off: d.hostOff, unit: xb, units: rows, x0: d.ras.img.x0, y0: c.y, sx: d.ras.img.sx, sy: d.ras.img.sy})
}

// beginBand starts ESC * m nL nH: a band of N columns of 8 or 24 dots.
func (d *Decoder) beginBand(p []byte) {
	m := p[2]
	unit, sx, sy := 1, 2, 3 // m 0: 8-dot single density (60 x 90 dpi)
	switch m {
	case 1:
		sx = 1
	case 32:
		unit, sy = 3, 1
	case 33:
		unit, sx, sy = 3, 1, 1
	}
	c := d.canvas("ESC *")
	d.ras.img = imgCmd{kind: imgColumns, unit: unit, units: int(le16(p, 3)), sx: sx, sy: sy,
		x0: d.ras.left + d.xOrigin() + c.x, y0: c.y, dst: c.seg, buf: d.ras.img.buf[:0]}
	c.extend(d.ras.img.x0, c.y, d.ras.img.units*sx, d.ras.img.height())
	c.place(placement{cols: true, off: d.hostOff, unit: unit, units: d.ras.img.units, x0: d.ras.img.x0, y0: c.y, sx: sx, sy: sy})
}

// beginGraphics starts a GS ( L / GS 8 L body: its head decides.
func (d *Decoder) beginGraphics() {
	d.ras.img = imgCmd{kind: imgGraphics, buf: d.ras.img.buf[:0], bodyOff: d.hostOff}
}

// startStored turns a GS ( L fn 112 head (m fn a bx by c xL xH yL yH)
// into rows stored in the graphics buffer, and a fn 113 head (the same
// fields) into columns of int((y+7)/8) bytes, top dot in the high bit.
// Whatever the head claims, only what fits the buffer is kept (a column
// is clipped at keepBytes, the buffer at raster.MaxWidth x MaxHeight).
func (d *Decoder) startStored(c *imgCmd) {
	h := c.head
	if d.ras.stored == nil {
		d.ras.stored, d.ras.spare = d.ras.spare, nil
		if d.ras.stored == nil {
			d.ras.stored = d.newBitmap()
		}
	}
	x, y := int(le16(h[:], 6)), int(le16(h[:], 8))
	c.sx, c.sy = scale2(h[3] == 2), scale2(h[4] == 2)
	cols := h[1] == 113
	if cols {
		c.kind, c.unit, c.units = imgColumns, (y+7)/8, x
		d.ras.storedH = max(d.ras.storedH, min(y, keepBytes*8)*c.sy)
	} else {
		c.kind, c.unit, c.units = imgRows, (x+7)/8, y
	}
	d.ras.storedW = max(d.ras.storedW, min(x, raster.MaxWidth)*c.sx)
	c.x0, c.y0, c.dst, c.store = 0, 0, d.ras.stored, true
	if d.onImage != nil {
		d.ras.storedAt = addPlace(d.ras.storedAt, placement{cols: cols, off: c.bodyOff + int64(len(c.head)), unit: c.unit, units: c.units, sx: c.sx, sy: c.sy})
	}
}

// printStored prints the graphics buffer (GS ( L fn 50) on the canvas.
func (d *Decoder) printStored(cmd string) {
	s, w, h, at := d.ras.stored, d.ras.storedW, d.ras.storedH, d.ras.storedAt
	d.ras.stored, d.ras.storedW, d.ras.storedH, d.ras.storedAt = nil, 0, 0, nil
	c := d.canvas(cmd)
	d.endBand(c)
	if s == nil {
		return
	}
	x0 := d.ras.left + d.xOrigin()
	h = max(h, s.H) // column data keeps its blank bottom rows
	c.extend(x0, c.y, w, h)
	for _, pl := range at {
		pl.x0, pl.y0 = x0, c.y
		c.place(pl)
	}
	c.seg.Grow(min(c.y+h, raster.MaxHeight)) // at once, not a row at a time
	for y := 0; y < s.H; y++ {
		c.seg.OrRow(x0, c.y+y, s.Row(y), 1)
	}
	c.y = min(c.y+h, raster.MaxHeight)
	s.Reset(maxSpare)
	d.ras.spare = s // the next graphics reuse its memory
}

// maxSpare is the most memory a printed graphics buffer keeps for the next
// (256 KiB: 2,048 rows of the widest page).
const maxSpare = 256 << 10

// endImage finishes the image command whose data just ended.
func (d *Decoder) endImage() {
	c := &d.ras.img
	if c.kind == imgNone || c.store || c.dst == nil {
		c.kind = imgNone
		return
	}
	p := d.pos()
	if p.seg == c.dst {
		switch c.kind {
		case imgRows:
			p.y += c.height()
			p.x = 0
		case imgColumns:
			p.x += c.units * c.sx
			p.bandH = max(p.bandH, c.height())
		}
		p.seg.Grow(p.y)
	}
	c.kind, c.dst = imgNone, nil
}

// endBand ends a line that holds ESC * bands: the paper moves by the line
// spacing, or by the band when the spacing is smaller (bands never
// overlap on paper).
func (d *Decoder) endBand(p *rasterPos) {
	if p.bandH > 0 {
		p.y += max(d.ras.spacing, p.bandH)
		p.seg.Grow(p.y)
	}
	p.x, p.bandH = 0, 0
}

// feedLines moves the paper by n dots between images (LF, ESC J, ESC d
// on an image). It reports false when no image is open, so that the
// caller treats the feed as text.
func (d *Decoder) feedDots(n int) bool {
	p := d.pos()
	if p.seg == nil || d.text.started || len(d.text.run) > 0 {
		return false
	}
	if p.bandH > 0 {
		d.endBand(p)
		n -= d.ras.spacing
	}
	if n > 0 {
		p.y = min(p.y+n, raster.MaxHeight)
		p.seg.Grow(p.y)
	}
	return true
}

// xOrigin is where ESC $ put the print position, in dots.
func (d *Decoder) xOrigin() int {
	if d.page.on {
		return d.page.areaX + d.page.x
	}
	return 0
}

// closeImage ends the standard-mode image before text prints, at a cut,
// ESC @ and the end of the job: it is recognised and its lines join the
// job here, in print order.
func (d *Decoder) closeImage() {
	p := &d.ras.std
	if p.seg == nil {
		return
	}
	d.endBand(p)
	img := *p
	*p = rasterPos{}
	d.recognise(&img)
}

// recognise reads a closed image and adds its lines to the open job.
func (d *Decoder) recognise(p *rasterPos) {
	d.item(d.imageItem(p))
	for _, rl := range d.readImage(p) {
		if d.jobLine(rl.l) && d.opts.Detail {
			l := rl.l
			d.item(Item{Offset: p.at, Kind: KindLine, Line: &l})
		}
	}
}

// imageItem is the item of a closed image.
func (d *Decoder) imageItem(p *rasterPos) Item {
	note := ""
	if p.cmds > 1 {
		note = itoa8(p.cmds) + " commands"
	}
	return Item{Offset: p.at, Kind: KindImage, Command: p.cmd, Width: p.extW, Height: p.extH, Note: note}
}

// ocrLine is a line read in an image, with the top of its box there
// (boxed false: the recogniser did not say where).
type ocrLine struct {
	y     int
	boxed bool
	l     drivers.Line
}

// readImage reads a closed image with the recogniser, if any, and counts
// what it read on the open job's Recognition; it returns the lines read,
// top to bottom.
func (d *Decoder) readImage(p *rasterPos) []ocrLine {
	seg := p.seg
	if d.opts.Recognizer == nil || seg.Empty() {
		return nil
	}
	res := d.opts.Recognizer.Recognize(seg)
	if d.onImage != nil {
		q := *p // only here does p leave the call (the caller's stays on its stack)
		d.onImage(&q, res)
	}
	if d.job == nil {
		d.openJob()
	}
	rec := d.job.recog
	if rec == nil {
		rec = &drivers.Recognition{Engine: res.Engine, Confidence: 1}
		d.job.recog = rec
	}
	if res.Unread { // what it printed is not known: no amount is read from the job
		rec.Engine, rec.Confidence, rec.AmountsUnsure = res.Engine, 0, true
	}
	out := make([]ocrLine, 0, len(res.Lines))
	for _, rl := range res.Lines {
		text := drivers.MaskOCRPANs(strings.TrimRight(rl.Text, " ")) // digits may be read as look-alikes
		l := drivers.Line{Text: text, Source: "ocr", Confidence: round2(rl.Confidence), Bold: rl.Bold}
		rec.Lines++
		rec.Glyphs += rl.Glyphs
		rec.Unknown += rl.Unknown
		rec.Confidence = min(rec.Confidence, l.Confidence)
		if rl.Unsure() && strings.ContainsFunc(text, isDigitOrUnknown) {
			rec.AmountsUnsure = true
		}
		out = append(out, ocrLine{y: rl.Box.Min.Y, boxed: !rl.Box.Empty(), l: l})
	}
	return out
}

func isDigitOrUnknown(r rune) bool { return r >= '0' && r <= '9' || r == utf8.RuneError }

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

// itoa8 formats a count.
func itoa8(n int) string { return strconv.Itoa(n) }

// ReadUnsure reports whether a line was recognised from a printed image
// without confidence (below raster.Sure, or with a glyph not read): when
// its receipt says amounts_unsure, no amount is read from it.
func ReadUnsure(l drivers.Line) bool {
	return l.Source == "ocr" && (l.Confidence < raster.Sure || strings.ContainsRune(l.Text, utf8.RuneError))
}

// unsureExtractor is a FieldExtractor that can leave out the fields of
// lines read without confidence (receipt.Profile).
type unsureExtractor interface {
	ExtractUnsure(r *drivers.Receipt, unsure func(i int) bool)
}

// extract fills the profile fields. A field whose line was recognised
// without confidence is left unset: no amount is ever read from a guess.
func extract(f FieldExtractor, r *drivers.Receipt) {
	if r.Recognised == nil || !r.Recognised.AmountsUnsure {
		f.Extract(r)
		return
	}
	unsure := func(i int) bool { return ReadUnsure(r.Lines[i]) }
	if u, ok := f.(unsureExtractor); ok {
		u.ExtractUnsure(r, unsure)
		return
	}
	// Any other extractor sees the digits of unsure lines hidden.
	lines := r.Lines
	safe := make([]drivers.Line, len(lines))
	copy(safe, lines)
	for i, l := range safe {
		if unsure(i) {
			safe[i].Text = strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return utf8.RuneError
				}
				return r
			}, l.Text)
		}
	}
	r.Lines = safe
	f.Extract(r)
	r.Lines = lines
}
