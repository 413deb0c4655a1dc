package escpos

import (
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// kickWindow is how long a cut receipt waits for a drawer kick that
// follows its cut before it is returned by Feed or Flush.
const kickWindow = 2 * time.Second

// Decoder decodes one printer link. It is not safe for concurrent use;
// the agent owns one per device.
type Decoder struct {
	opts          Options
	jobTimeout    time.Duration
	statusTimeout time.Duration
	proofTimeout  time.Duration
	heldProof     time.Time // when the held receipt's confirmation was asked for; zero: none pending
	heldSeq       uint64    // the held receipt's job number
	jobSeq        uint64    // the last job number given
	ps            *printerSetup

	// framing of the host stream
	cmd     [16]byte // header of the command in progress
	cmdLen  int      // bytes of it collected, 0 when none
	cmdNeed int      // header bytes needed before asking frameOf again
	cmdAt   int64    // offset of its first byte
	skip    int64    // body bytes still to skip
	nulLeft int64    // data bytes allowed before the end byte of a NUL-ended body
	nulTerm byte     // the end byte (NUL, or RS for Star barcodes)
	inNUL   bool     // inside a NUL-ended body
	body    bodyState
	rtEOL   byte    // line-end state saved across a real-time command
	glyphs  int64   // ESC & glyphs still to read
	glyphY  int     // ESC & glyph height in bytes
	nv      int64   // FS q images still to read
	nvHdr   [4]byte // FS q: the size bytes of the next image
	nvLen   int     // of them read
	hostOff int64   // host stream offset of the next byte
	now     time.Time
	out     []drivers.Event
	stats   Stats
	text    textState
	job     *job
	jobMem  job              // what job points to
	jobText jobText          // its lines' text
	held    *drivers.Receipt // a cut receipt waiting for a drawer kick
	dmg     drivers.DamageReporter
	st      statusState
	page    pageState
	det     detailState
	ras     rasterState
	// onImage, when set, sees every recognised image (the Redactor).
	onImage func(*rasterPos, raster.Result)
	// undrawn, set by exec, says the command's body is image data the
	// decoder does not draw (GS * downloaded bit image, a profile's
	// graphics command such as CSN-A2's DC2 *); with onImage set, such
	// bodies are listed in opaque for the Redactor to blank.
	undrawn bool
	opaque  []placement
}

// bodyState is the body of a command being captured for execBody.
type bodyState struct {
	open bool
	hdr  [16]byte
	hlen int
	at   int64 // offset of the command
	data []byte
	max  int
}

// New returns a decoder. Options it cannot honour (see Options.Validate)
// fall back to the defaults: an unknown code page is cp437.
func New(opts Options) *Decoder {
	d := &Decoder{opts: opts, jobTimeout: opts.JobTimeout, statusTimeout: opts.StatusTimeout}
	if d.jobTimeout <= 0 {
		d.jobTimeout = DefaultJobTimeout
	}
	if d.statusTimeout <= 0 {
		d.statusTimeout = DefaultStatusTimeout
	}
	d.proofTimeout = opts.ProofTimeout
	if d.proofTimeout <= 0 {
		d.proofTimeout = DefaultProofTimeout
	}
	d.ps = setup(opts)
	d.st.observed = opts.DeviceObserved
	d.resetModes()
	return d
}

var _ drivers.Decoder = (*Decoder)(nil)

// Feed consumes one chunk and returns the events it completed. Before the
// bytes are read, anything that timed out by c.Time ends (an idle job, an
// unanswered status request), so the result does not depend on how often
// Flush is called.
func (d *Decoder) Feed(c drivers.Chunk) []drivers.Event {
	d.out = nil
	d.now = c.Time
	d.expire(c.Time)
	if c.Dir == drivers.FromDevice {
		d.feedDevice(c.Data)
	} else {
		d.feedHost(c.Data)
	}
	return d.out
}

// Flush returns what is complete at now: a job idle for longer than
// JobTimeout (Ended "idle"), a status request unanswered for longer than
// StatusTimeout, a cut receipt whose drawer-kick window has passed. Event
// times are those of the bytes that decided them, never now. Calling
// Flush with a time far in the future ends every open job as "idle".
func (d *Decoder) Flush(now time.Time) []drivers.Event {
	d.out = nil
	d.expire(now)
	d.dmg.Flush(now)
	return d.out
}

var _ drivers.DamageSource = (*Decoder)(nil)

// Damaged implements drivers.DamageSource: impossible commands (a prefix
// followed by a control or 8-bit byte, a cut with no cut mode), stray
// control bytes, a command half-sent when the line went quiet. Text bytes
// that do not decode are not counted: real registers split double-byte
// characters with style commands (see testdata/README.md).
func (d *Decoder) Damaged() int64 { return d.dmg.Total() }

// TakeDamage implements drivers.DamageSource.
func (d *Decoder) TakeDamage() []drivers.Event { return d.dmg.Take() }

// FlushAll ends everything at the end of input: the open job is returned
// with Ended "eof" (Cut false), a held cut receipt is returned, pending
// status requests count as unanswered when the device line is observed,
// and a command or image cut short by the end of input is counted in
// Stats.Truncated. The decoder can keep going afterwards.
func (d *Decoder) FlushAll() []drivers.Event {
	d.out = nil
	if d.cmdLen > 0 || d.skip > 0 || d.inNUL || d.glyphs > 0 || d.nv > 0 {
		d.stats.Truncated++
		d.cmdLen, d.skip, d.inNUL, d.glyphs, d.nv, d.nvLen = 0, 0, false, 0, 0, 0
		if d.ras.img.kind != imgNone {
			d.endImage()
		}
		if d.body.open {
			d.endBody(true)
		}
	}
	if d.held != nil && !d.heldProof.IsZero() && d.st.observed {
		d.held.Unconfirmed = true // the input ended before the printer confirmed
	}
	if d.held != nil && d.st.awaiting(d.heldSeq) {
		d.held.Unanswered = true // the input ended before the printer answered
	}
	d.releaseHeld()
	if d.job != nil {
		d.endJob("eof", false, d.job.last)
	}
	d.st.expireAll(d)
	return d.out
}

// Stats returns a copy of the counters.
func (d *Decoder) Stats() Stats {
	s := d.stats
	s.UnknownAt = append([]UnknownCommand(nil), d.stats.UnknownAt...)
	return s
}

// expire ends what timed out by now.
func (d *Decoder) expire(now time.Time) {
	switch {
	case d.held == nil:
	case !d.heldProof.IsZero():
		if now.Sub(d.heldProof) > d.proofTimeout {
			d.held.Unconfirmed = d.st.observed
			d.releaseHeld()
		}
	case d.st.awaiting(d.heldSeq):
		// A status request sent for it is still unanswered: st.expire
		// releases it when the request times out.
	case now.Sub(d.held.Time) > kickWindow:
		d.releaseHeld()
	}
	if d.job != nil && now.Sub(d.job.last) > d.jobTimeout {
		if d.cmdLen > 0 || d.skip > 0 || d.inNUL || d.nv > 0 {
			// A command still waiting for its bytes when the line went
			// quiet: they were lost on the line (a register sends whole
			// commands).
			d.dmg.Note(d.job.last, drivers.FromHost, "cut_short")
		}
		d.endJob("idle", false, d.job.last)
	}
	d.st.expire(d, now)
}

func (d *Decoder) emit(e drivers.Event) { d.out = append(d.out, e) }

// feedHost runs the host stream through the framing state machine.
func (d *Decoder) feedHost(data []byte) {
	d.stats.HostBytes += int64(len(data))
	for i := 0; i < len(data); {
		if d.skip > 0 {
			n := int(min(d.skip, int64(len(data)-i)))
			if d.body.open {
				d.capture(data[i : i+n])
			}
			if d.ras.img.kind != imgNone {
				d.ras.img.feed(d, data[i:i+n])
			}
			d.skip -= int64(n)
			i += n
			d.hostOff += int64(n)
			if d.skip == 0 && d.ras.img.kind != imgNone {
				d.endImage()
			}
			if d.skip == 0 && d.body.open && d.glyphs == 0 {
				d.endBody(false)
			}
			continue
		}
		b := data[i]
		i++
		d.hostOff++
		switch {
		case d.glyphs > 0: // ESC &: the x byte of the next glyph
			d.glyphs--
			d.skip = int64(d.glyphY) * int64(b)
		case d.nv > 0: // FS q: the size of the next image
			d.nvByte(b)
		case d.inNUL:
			switch {
			case b == d.nulTerm:
				d.inNUL = false
			case d.nulLeft == 0:
				d.inNUL = false
				i--
				d.hostOff--
			default:
				d.nulLeft--
				if d.body.open {
					d.capture(data[i-1 : i])
				}
				continue
			}
			if d.body.open {
				d.endBody(false)
			}
		case d.cmdLen > 0:
			if !d.commandByte(b) {
				i--
				d.hostOff--
			}
		case d.ps.prefixes[b]:
			d.text.endRun(d)
			d.rtEOL = d.text.eol
			d.text.eol = 0
			d.cmd[0] = b
			d.cmdLen, d.cmdNeed, d.cmdAt = 1, 2, d.hostOff-1
		case b < 0x20:
			d.control(b)
		default:
			// A run of text bytes up to the next control or command
			// prefix: nothing in it changes the framing state.
			j := i
			for j < len(data) && d.ps.text[data[j]] {
				j++
			}
			d.printable(data[i-1 : j])
			d.hostOff += int64(j - i)
			i = j
		}
	}
}

// commandByte adds b to the command in progress. It returns false when b
// is not part of the command (a DLE that was only a control) and must be
// read again at command position.
func (d *Decoder) commandByte(b byte) bool {
	if d.cmdLen < len(d.cmd) {
		d.cmd[d.cmdLen] = b
	}
	d.cmdLen++
	if d.cmdLen < d.cmdNeed {
		return true
	}
	p := d.cmd[:min(d.cmdLen, len(d.cmd))]
	f, done := frameOf(p, d.ps)
	if f.hdr == 1 { // DLE followed by a non-command byte
		d.cmdLen = 0
		d.text.eol = d.rtEOL
		return false
	}
	if !done || d.cmdLen < f.hdr {
		d.cmdNeed = f.hdr
		return true
	}
	d.cmdLen = 0
	if p[0] == dle { // real-time: transparent to line ends
		d.text.eol = d.rtEOL
	}
	switch f.kind {
	case bodyUnknown:
		d.unknown(p[0], p[1])
		return true
	case bodyCount:
		d.skip = f.n
	case bodyNUL:
		d.inNUL, d.nulLeft, d.nulTerm = true, f.n, f.term
	case bodyGlyphs:
		d.glyphs, d.glyphY = f.n, f.y
	case bodyNV:
		d.nv, d.nvLen = f.n, 0
	}
	d.undrawn = false
	d.exec(p[:f.hdr])
	if d.undrawn && d.onImage != nil && f.kind == bodyCount && f.n > 0 {
		d.opaque = append(d.opaque, placement{off: d.hostOff, span: f.n})
	}
	if d.ras.img.kind != imgNone && (f.kind != bodyCount || f.n == 0) {
		d.endImage()
	}
	capture := f.capture
	if !d.opts.Detail && capture > peekLen {
		capture = 0
		if p[1] == '(' { // GS ( k decides on its function byte
			capture = peekLen
		}
	}
	if capture > 0 && f.kind != bodyNone {
		b := &d.body
		b.open, b.hlen, b.at, b.max = true, copy(b.hdr[:], p[:f.hdr]), d.cmdAt, capture
		b.data = b.data[:0]
		if f.kind == bodyCount && f.n == 0 {
			d.endBody(false)
		}
	}
	return true
}

// capture keeps body bytes up to the capture bound.
func (d *Decoder) capture(b []byte) {
	if room := d.body.max - len(d.body.data); room > 0 {
		d.body.data = append(d.body.data, b[:min(room, len(b))]...)
	}
}

// endBody runs execBody on a captured body, complete or cut short by the
// end of input.
func (d *Decoder) endBody(truncated bool) {
	b := &d.body
	b.open = false
	d.execBody(b.hdr[:b.hlen], b.data, b.at, truncated)
}

// unknown counts an unknown two-byte command; it still prints nothing.
func (d *Decoder) unknown(a, b byte) {
	d.stats.Unknown++
	if len(d.stats.UnknownAt) < maxUnknownKept {
		d.stats.UnknownAt = append(d.stats.UnknownAt, UnknownCommand{Offset: d.cmdAt, Bytes: [2]byte{a, b}})
	}
	if d.job != nil {
		d.job.unknown++
	}
	if b < 0x20 || b > 0x7E {
		// No printer's command is a prefix and a control or 8-bit byte:
		// the stream was damaged on the line.
		d.dmg.Note(d.now, drivers.FromHost, "impossible_command")
	}
	d.item(Item{Offset: d.cmdAt, Kind: KindUnknown, Bytes: fmt.Sprintf("%02X %02X", a, b)})
}

// control handles a one-byte control below 0x20.
func (d *Decoder) control(b byte) {
	switch b {
	case lf, cr:
		prev := d.text.eol
		d.text.eol = 0
		if (b == lf && prev == cr) || (b == cr && prev == lf) {
			return // second half of CR LF / LF CR
		}
		d.openJob()
		if !d.feedDots(d.ras.spacing) {
			d.text.endLine(d)
			d.pageFeed(d.ras.spacing)
		}
		d.text.eol = b
	case ff:
		d.text.eol = 0
		d.openJob()
		if d.text.started {
			d.text.endLine(d)
		}
		if d.page.on { // page mode: print the page, back to standard mode
			d.printPage()
			d.page.on = false
		}
	case ht:
		d.printable(space)
	case can:
		d.text.eol = 0
		if d.page.on {
			d.cancelPage()
		}
	case bel:
		d.text.eol = 0
		if d.ps.star {
			d.kick(d.hostOff-1, "BEL", "drawer 1")
		}
	case nul: // padding some drivers send
		d.text.eol = 0
	case so, dc4: // Star Line Mode: double width on / off (ESC W 1 / ESC W 0); ESC/POS has neither
		d.text.eol = 0
		if d.ps.star {
			d.text.endRun(d) // the text before it keeps its width
			s := &d.text.style
			s.doubleWidth = b == so
			s.widthMul = scale2(s.doubleWidth)
			d.openJob()
		}
	default: // the rest print nothing
		d.text.eol = 0
		if strayControl(b) {
			d.dmg.Note(d.now, drivers.FromHost, "stray_control")
		}
	}
}

// space is what HT prints.
var space = []byte{' '}

// strayControl reports whether a control byte is one no printer dialect
// uses (SO, SI, DC1-DC4, VT, BS, RS, US are text or buffer controls on
// some): seen in a print stream, the line damaged it.
func strayControl(b byte) bool {
	switch b {
	case 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x15, 0x16, 0x17, 0x19, 0x1A:
		return true
	}
	return false
}

// printable adds text bytes to the current line. d.hostOff is the offset
// just after the first of them.
func (d *Decoder) printable(run []byte) {
	d.text.eol = 0
	if d.ras.std.seg != nil && !d.page.on {
		d.closeImage() // the image prints above this text
	}
	d.openJob()
	d.text.add(d, run)
}

// nvByte takes one size byte of an FS q image (xL xH yL yH). With the
// four, the image's x*y*8 data bytes are skipped (listed for the
// Redactor to blank on a raster lane: a logo is not read, so a card
// number in one could not be found). A size outside Epson's range
// (x 1-1023, y 1-288) is not an image: the rest reads as the printer
// would, as data.
func (d *Decoder) nvByte(b byte) {
	d.nvHdr[d.nvLen] = b
	d.nvLen++
	if d.nvLen < len(d.nvHdr) {
		return
	}
	d.nvLen = 0
	d.nv--
	x, y := le16(d.nvHdr[:], 0), le16(d.nvHdr[:], 2)
	if x < 1 || x > 1023 || y < 1 || y > 288 {
		d.nv = 0
		d.stats.Unknown++
		return
	}
	d.skip = x * y * 8
	if d.onImage != nil {
		d.opaque = append(d.opaque, placement{off: d.hostOff, span: d.skip})
	}
}
