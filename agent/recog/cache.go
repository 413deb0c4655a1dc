package recog

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// Key identifies an image by its content.
type Key [sha256.Size]byte

// KeyOf returns the key of img.
func KeyOf(img *raster.Bitmap) Key {
	h := sha256.New()
	var dim [16]byte
	binary.LittleEndian.PutUint64(dim[:8], uint64(img.W))
	binary.LittleEndian.PutUint64(dim[8:], uint64(img.H))
	h.Write(dim[:])
	for y := range img.H {
		h.Write(img.Row(y))
	}
	var k Key
	h.Sum(k[:0])
	return k
}

// Result is what the recogniser read in one image.
type Result struct {
	Key Key
	Res raster.Result
}

// cacheSize bounds the results a Cache keeps: the lane's decoder, the
// capture's redactor and the raw input log look an image up in the step
// that hands its result over, and the raw input log again at each write
// until the job settles (a job has a few images).
const cacheSize = 64

// Cache is the recogniser of a lane's decoders and redactors when
// recognition runs in a Worker: it answers from the results handed over
// (Add) and falls back to its recogniser for an image it has no result for.
// It is not safe for concurrent use (the core goroutine owns it).
type Cache struct {
	// rec reads what the cache does not know; nil reads nothing.
	rec escpos.Recognizer
	// unread, when set, is what a miss answers instead (see Unread).
	unread  string
	results map[Key]raster.Result
	order   []Key
	misses  int
}

// NewCache returns an empty cache falling back to rec.
func NewCache(rec escpos.Recognizer) *Cache {
	return &Cache{rec: rec, results: map[Key]raster.Result{}}
}

// Add keeps results, forgetting the oldest beyond the bound.
func (c *Cache) Add(rs []Result) {
	for _, r := range rs {
		if _, ok := c.results[r.Key]; !ok {
			c.order = append(c.order, r.Key)
		}
		c.results[r.Key] = r.Res
	}
	for len(c.order) > cacheSize {
		delete(c.results, c.order[0])
		c.order = c.order[1:]
	}
}

// Unread makes the cache answer a miss without reading: a result marked
// raster.Result.Unread whose Engine is why (the agent's live run, whose
// core goroutine never runs a recogniser: the worker reads, and an image
// it did not read is printed with amounts not read). An empty why
// restores the fallback recogniser (replay reads in line).
func (c *Cache) Unread(why string) { c.unread = why }

// Lookup returns the result handed over for img.
func (c *Cache) Lookup(img *raster.Bitmap) (raster.Result, bool) {
	r, ok := c.results[KeyOf(img)]
	return r, ok
}

// Recognize implements escpos.Recognizer. What the fallback reads is
// kept like a result handed over: the raw input log looks an image up
// again at each write until its job settles, and an image recovered after
// an unclean stop is read by the fallback. An image not read (Unread) is
// not kept: the raw input log blanks it for want of a result, and a
// result the worker hands over later still counts.
func (c *Cache) Recognize(img *raster.Bitmap) raster.Result {
	k := KeyOf(img)
	if r, ok := c.results[k]; ok {
		return r
	}
	c.misses++
	r := c.fallback(img)
	if !r.Unread {
		c.Add([]Result{{Key: k, Res: r}})
	}
	return r
}

// fallback reads img with the cache's recogniser on the caller's
// goroutine (see read), or, once Unread was set, does not read it.
func (c *Cache) fallback(img *raster.Bitmap) raster.Result {
	if c.unread != "" {
		return raster.Result{Engine: c.unread, Unread: true}
	}
	if c.rec == nil {
		return raster.Result{}
	}
	return read(c.rec, img)
}

// read reads img with rec. A recogniser that panics (a bug in it, a
// hostile image) reads nothing, and the result's Engine says why: the
// image's receipt is journaled with amounts not read, and the agent goes
// on. The worker and the cache's fallback read alike. The card numbers
// read are masked here, before the result is kept or handed over (see
// mask).
func read(rec escpos.Recognizer, img *raster.Bitmap) (r raster.Result) {
	defer func() {
		if p := recover(); p != nil {
			r = raster.Result{Engine: fmt.Sprintf("recogniser failed: %v", p), Unread: true}
		}
	}()
	return mask(rec.Recognize(img))
}

// mask hides the card numbers of res's lines (drivers.MaskOCRPANs: digits
// read as look-alikes or not read count too) and records which runes it
// hid in Line.Masked: a cache keeps results for hours on a quiet lane,
// and a full card number must not wait in memory that long; the
// redactors blank the cells Masked names.
func mask(res raster.Result) raster.Result {
	var lines []raster.Line
	for i, l := range res.Lines {
		m := drivers.MaskOCRPANs(l.Text)
		if m == l.Text {
			continue
		}
		if lines == nil { // the recogniser's slice is not written to
			lines = slices.Clone(res.Lines)
		}
		was, now := []rune(l.Text), []rune(m)
		l.Masked = nil
		for k := range min(len(was), len(now)) {
			if was[k] != now[k] {
				l.Masked = append(l.Masked, k)
			}
		}
		l.Text = m
		lines[i] = l
	}
	if lines != nil {
		res.Lines = lines
	}
	return res
}

// Misses counts images the cache had no result for: read by the fallback
// (on the caller's goroutine), or, once Unread was set, not read.
func (c *Cache) Misses() int { return c.misses }
