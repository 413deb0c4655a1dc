package escpos

import (
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// exec applies a complete command header p (its body, if any, is skipped
// or captured by the framing state machine and seen by execBody).
func (d *Decoder) exec(p []byte) {
	if c, ok := d.ps.extra[[2]byte{p[0], p[1]}]; ok {
		d.execExtra(c)
		return
	}
	switch p[0] {
	case esc:
		if d.ps.star && d.execStar(p) {
			return
		}
		d.execESC(p)
	case gs:
		d.execGS(p)
	case fs:
		d.execFS(p)
	case dle:
		d.execDLE(p)
	}
}

// execExtra applies a printer profile's extra command.
func (d *Decoder) execExtra(c Command) {
	name := printable(c.Prefix)
	switch c.Does {
	case "cut":
		d.cut(name, "")
	case "kick":
		d.kick(d.cmdAt, name, "")
	case "graphics":
		d.undrawn = true
		d.graphics()
		d.item(Item{Offset: d.cmdAt, Kind: KindImage, Command: name})
	default:
		d.openJob()
	}
}

func (d *Decoder) execESC(p []byte) {
	s := &d.text.style
	var n byte
	if len(p) > 2 {
		n = p[2]
	}
	switch p[1] {
	case '@':
		d.initialise()
		return
	case 'p':
		d.kick(d.cmdAt, "ESC p", pin(n))
		return
	case 'm':
		d.cut("ESC m", "partial")
		return
	case 'i':
		d.cut("ESC i", "partial")
		return
	case '!':
		s.bold = n&0x08 != 0
		s.doubleHeight = n&0x10 != 0
		s.doubleWidth = n&0x20 != 0
		s.underline = n&0x80 != 0
		s.fontB = n&0x01 != 0
		s.widthMul = scale2(s.doubleWidth)
	case 'M':
		s.fontB = n&1 != 0
	case '\\': // relative position, signed motion units
		if d.page.on {
			d.pageMoveX(d.text.x + d.hDots(int(int16(le16(p, 2)))))
		} else {
			d.text.moveTo(d, d.text.x+d.hDots(int(int16(le16(p, 2)))))
		}
	case 'E':
		s.bold = n&1 != 0
	case '-':
		s.underline = n&3 != 0
	case 'a':
		s.align = alignName(n)
	case 't':
		d.text.table = d.ps.table(n)
	case 'R':
		if n == 15 {
			d.text.chinese = true
		}
	case '*':
		d.beginBand(p)
		return
	case '3':
		d.ras.spacing = int(n)
	case '2':
		d.ras.spacing = defaultSpacing
	case 'W': // page mode print area x y dx dy
		d.pageArea(d.hDots(int(le16(p, 2))), int(le16(p, 4)), d.hDots(int(le16(p, 6))))
	case '$':
		if d.page.on {
			d.pageMoveX(d.hDots(int(le16(p, 2))))
		} else {
			d.text.moveTo(d, d.hDots(int(le16(p, 2))))
		}
	case 'J': // print and feed n dots
		if !d.feedDots(int(n)) {
			d.text.flushLine(d)
			d.pageFeed(int(n))
		}
	case 'd': // print and feed n lines
		if !d.feedDots(int(n) * d.ras.spacing) {
			d.text.flushLine(d)
			d.pageFeed(int(n) * d.ras.spacing)
		}
	case 'L': // page mode
		d.text.flushLine(d)
		d.closeImage()
		d.startPage()
	case 'S': // back to standard mode: the page is thrown away
		if d.page.on {
			d.cancelPage()
			d.page.on = false
		}
		return
	case ff: // print the page, stay in page mode
		d.text.flushLine(d)
		d.printPage()
	case 'v', 'u':
		d.item(Item{Offset: d.cmdAt, Kind: KindStatusRequest, Command: "ESC " + string(p[1])})
		return // status requests of old printers
	}
	d.openJob()
}

// execStar applies the Star Line Mode commands that differ from ESC/POS;
// it returns false for the shared ones.
func (d *Decoder) execStar(p []byte) bool {
	s := &d.text.style
	switch p[1] {
	case 'd': // ESC d n: 0/2 full cut, 1/3 partial
		mode := "full"
		if p[2]&1 == 1 {
			mode = "partial"
		}
		d.cut("ESC d", mode)
	case 'E':
		s.bold = true
		d.openJob()
	case 'F':
		s.bold = false
		d.openJob()
	case '4':
		s.inverse = true
		d.openJob()
	case '5':
		s.inverse = false
		d.openJob()
	case 'i': // ESC i n1 n2: height and width expansion, 0-5 (or '0'-'5') for 1-6 times
		if h, okH := starTimes(p[2]); okH {
			if w, okW := starTimes(p[3]); okW {
				s.doubleHeight, s.widthMul, s.doubleWidth = h > 1, w, w > 1
			}
		}
		d.openJob()
	case 'W': // ESC W n: width expansion
		if w, ok := starTimes(p[2]); ok {
			s.widthMul, s.doubleWidth = w, w > 1
		}
		d.openJob()
	case 'h': // ESC h n: height expansion
		if h, ok := starTimes(p[2]); ok {
			s.doubleHeight = h > 1
		}
		d.openJob()
	case so, dc4: // ESC SO / ESC DC4: double height on / off (Star: ESC h 1 / ESC h 0)
		s.doubleHeight = p[1] == so
		d.openJob()
	case 'a', 'C', 'Q', 'l', 'z', '0', bel:
		d.openJob() // feed, page length, margins: no text effect kept
	case 'b':
		d.graphics()
	case gs:
		switch p[2] {
		case 't':
			d.text.table = d.ps.table(p[3])
		case 'a':
			s.align = alignName(p[3])
		case 'A': // absolute position from the left margin, dots
			d.text.moveTo(d, int(le16(p, 3)))
		case 'R': // relative position, dots; 32768 and more move left
			d.text.moveTo(d, d.text.x+int(int16(le16(p, 3))))
		case 'y':
			if p[3] == 'P' {
				d.graphics()
				d.item(Item{Offset: d.cmdAt, Kind: Kind2D, Command: "ESC GS y P", Symbology: "QR", Data: d.det.sym["QR"], Truncated: d.det.symCut["QR"]})
				return true
			}
		}
		d.openJob()
	default:
		return false
	}
	return true
}

func (d *Decoder) execGS(p []byte) {
	s := &d.text.style
	var n byte
	if len(p) > 2 {
		n = p[2]
	}
	switch p[1] {
	case 'V':
		mode := "full"
		switch n {
		case 1, 49, 66, 98, 104:
			mode = "partial"
		case 0, 48, 65, 97, 103:
		default: // no cut mode: the line damaged the command
			d.dmg.Note(d.now, drivers.FromHost, "impossible_command")
		}
		d.cut("GS V", mode)
		return
	case 'r':
		d.st.request(d, reqGSr, n)
		d.item(Item{Offset: d.cmdAt, Kind: KindStatusRequest, Command: "GS r " + itoa(n)})
		return
	case 'I':
		d.st.request(d, reqGSI, n)
		d.item(Item{Offset: d.cmdAt, Kind: KindStatusRequest, Command: "GS I " + itoa(n)})
		return
	case 'a':
		d.item(Item{Offset: d.cmdAt, Kind: KindStatusRequest, Command: "GS a " + itoa(n), Note: "automatic status back"})
		return // ASB enable: no print
	case '!':
		s.doubleWidth = n&0x70 != 0
		s.doubleHeight = n&0x07 != 0
		s.widthMul = int(n>>4&7) + 1
	case 'B':
		s.inverse = n&1 != 0
	case 'L': // left margin, motion units; the printer takes it at the start of a line only
		if d.lineStart() {
			d.ras.left = min(d.hDots(int(le16(p, 2))), raster.MaxWidth)
		}
	case 'W': // print area width, motion units; at the start of a line only
		if d.lineStart() {
			d.ras.area = min(d.hDots(int(le16(p, 2))), raster.MaxWidth)
		}
	case 'P': // GS P x y: motion units 1/x and 1/y inch; 0 the default (a dot)
		d.ras.hunit = int(n)
	case '$': // page mode: absolute vertical position from the print area's top
		if d.page.on {
			d.pageMoveY(d.page.areaY + int(le16(p, 2)))
		}
	case '\\': // page mode: relative vertical position, signed
		if d.page.on {
			d.pageFeed(int(int16(le16(p, 2))))
		}
	case 'v':
		d.beginRaster(p)
		return
	case '*':
		d.undrawn = true
		d.openJob() // define downloaded bit image: printed by GS /
		return
	case '/':
		d.logo("GS /", "downloaded bit image")
		return
	case 'k':
		d.graphics()
		return
	case '(', '8':
		if p[2] == 'L' {
			d.beginGraphics() // raster data streams into the graphics buffer
		}
		return // decided on the body (execBody)
	}
	d.openJob()
}

func (d *Decoder) execFS(p []byte) {
	switch p[1] {
	case '&':
		d.text.chinese = true
	case '.':
		d.text.chinese = false
	case 'p':
		d.logo("FS p", "NV image "+itoa(p[2]))
		return
	case '(':
		return // settings only; nothing prints
	}
	d.openJob()
}

func (d *Decoder) execDLE(p []byte) {
	switch p[1] {
	case eot:
		d.st.request(d, reqEOT, p[2])
		d.item(Item{Offset: d.cmdAt, Kind: KindStatusRequest, Command: "DLE EOT " + itoa(p[2])})
	case enq:
		d.item(Item{Offset: d.cmdAt, Kind: KindStatusRequest, Command: "DLE ENQ " + itoa(p[2]), Note: "recovery request"})
	case dc4:
		if p[2] == 1 {
			d.kick(d.cmdAt, "DLE DC4 1", pin(p[3]))
		}
	}
}

func alignName(n byte) string {
	switch n {
	case 1, '1':
		return "center"
	case 2, '2':
		return "right"
	}
	return ""
}

// pin names the drawer connector pin of ESC p m / DLE DC4 1 m.
func pin(m byte) string {
	if m&1 == 1 {
		return "pin 5"
	}
	return "pin 2"
}

// initialise is ESC @: it ends a job with content, resets the modes and
// opens a new (so far empty) job.
func (d *Decoder) initialise() {
	d.releaseHeld()
	if d.page.on || len(d.page.lines) > 0 {
		d.cancelPage()
		d.page.on = false
	}
	d.resetPage()
	if d.job != nil {
		if d.job.hasContent(&d.text) {
			d.endJob("init", false, d.job.last)
		} else {
			d.job = nil // an empty job restarts at this ESC @
		}
	}
	if !d.text.hasVisible() {
		d.text.discardLine(d) // ESC @ clears the print buffer: blank space sent before it never prints
	}
	d.resetModes()
	d.openJob()
}

// resetModes restores the power-on modes.
func (d *Decoder) resetModes() {
	d.text.style = style{}
	d.ras.spacing, d.ras.left, d.ras.area, d.ras.hunit = defaultSpacing, 0, 0, 0
	d.text.table = d.ps.init
	d.text.chinese = d.ps.chinese
}

// hDots turns a horizontal position or width in motion units (GS P x:
// 1/x inch) into dots, truncated to the dot pitch as the printer does;
// without GS P the unit is a dot. Values already set keep their dots.
// The result stays within the 16-bit range of the commands' own values
// (GS P 1 would make 65535 units 13 million dots at 203 dpi).
func (d *Decoder) hDots(v int) int {
	if d.ras.hunit == 0 {
		return v
	}
	return min(max(v*d.ps.dpi/d.ras.hunit, -0xFFFF), 0xFFFF)
}

// logo records a stored image (NV logo, downloaded image): the decoder
// never saw its dots, so it is a logo, not text.
func (d *Decoder) logo(cmd, note string) {
	if d.ras.std.seg != nil && !d.page.on {
		d.closeImage()
	}
	d.graphics()
	d.item(Item{Offset: d.cmdAt, Kind: KindLogo, Command: cmd, Note: note})
}

// graphics marks the open job as holding an image.
func (d *Decoder) graphics() {
	d.openJob()
	d.job.graphics = true
}

// kick records a cash drawer kick on the open job, or on the receipt just
// cut when no job has started since.
func (d *Decoder) kick(at int64, cmd, note string) {
	switch {
	case d.job != nil:
		d.job.kick = true
	case d.held != nil:
		d.held.DrawerKick = true
	}
	d.item(Item{Offset: at, Kind: KindDrawerKick, Command: cmd, Note: note})
}

// itoa formats a command argument.
func itoa(n byte) string {
	if n >= '0' && n <= '9' {
		return string(rune(n)) // ASCII digit forms like GS r '1'
	}
	const digits = "0123456789"
	switch {
	case n >= 100:
		return string([]byte{digits[n/100], digits[n/10%10], digits[n%10]})
	case n >= 10:
		return string([]byte{digits[n/10], digits[n%10]})
	}
	return string(digits[n])
}

// printable names a command prefix: control bytes by their ASCII names.
func printable(prefix string) string {
	names := map[byte]string{esc: "ESC", gs: "GS", fs: "FS", dle: "DLE", 0x12: "DC2", 0x11: "DC1", 0x13: "DC3", 0x14: "DC4"}
	out := ""
	for i := 0; i < len(prefix); i++ {
		if i > 0 {
			out += " "
		}
		if n, ok := names[prefix[i]]; ok {
			out += n
		} else if prefix[i] >= 0x20 && prefix[i] < 0x7F {
			out += string(prefix[i])
		} else {
			out += "0x" + itoa(prefix[i])
		}
	}
	return out
}
