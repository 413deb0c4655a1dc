package escpos

// Command prefixes and the one-byte controls the decoder acts on.
const (
	nul = 0x00
	ht  = 0x09
	lf  = 0x0A
	ff  = 0x0C
	cr  = 0x0D
	dle = 0x10
	xon = 0x11
	eot = 0x04
	enq = 0x05
	dc4 = 0x14
	so  = 0x0E
	xof = 0x13
	can = 0x18
	bel = 0x07
	rs  = 0x1E
	esc = 0x1B
	fs  = 0x1C
	gs  = 0x1D
)

// bodyKind says how the bytes after a command's fixed header are framed.
type bodyKind uint8

const (
	bodyNone    bodyKind = iota
	bodyCount            // exactly n bytes
	bodyNUL              // bytes up to and including term (NUL, RS), at most n data bytes
	bodyGlyphs           // ESC &: n glyphs, each x then y*x bytes
	bodyNV               // FS q: n images, each xL xH yL yH then x*y*8 bytes
	bodyUnknown          // not a command: skip 2 bytes and count
)

// frame is the shape of one command: its header length and its body.
type frame struct {
	hdr  int      // total header length including the prefix
	kind bodyKind // how the body is framed
	n    int64    // body length (bodyCount), NUL bound (bodyNUL), glyph count (bodyGlyphs)
	y    int      // glyph height in bytes (bodyGlyphs)
	term byte     // end byte of a bodyNUL body
	// capture is how many body bytes execBody sees: a peek at a GS ( L
	// function and size, a barcode or 2D payload (Options.Detail). 0 means
	// the body is skipped unseen and execBody is not called.
	capture int
}

// need returns a frame that asks for n header bytes before deciding.
func need(n int) (frame, bool) { return frame{hdr: n}, false }

// fixed returns a complete frame of n header bytes and no body.
func fixed(n int) (frame, bool) { return frame{hdr: n}, true }

// le16 reads a 16-bit little-endian length at p[i].
func le16(p []byte, i int) int64 { return int64(p[i]) | int64(p[i+1])<<8 }

// Capture bounds for command bodies.
const (
	peekLen    = 16   // enough for any GS ( L / GS 8 L function and size
	maxPayload = 8192 // a QR code holds at most 7089 digits
)

// frameOf decides the shape of the command starting with p (p[0] is a
// command prefix and len(p) >= 2). When done is false, the caller must
// collect f.hdr bytes and ask again. It implements ESCPOS.md section 1,
// every row, the printer's extra commands first.
func frameOf(p []byte, ps *printerSetup) (f frame, done bool) {
	if c, ok := ps.extra[[2]byte{p[0], p[1]}]; ok {
		if len(p) < c.Len {
			return need(c.Len)
		}
		f = frame{hdr: c.Len}
		if len(c.Body) > 0 {
			n := int64(1)
			for _, at := range c.Body {
				n *= int64(p[at])
			}
			f.kind, f.n = bodyCount, n
		}
		return f, true
	}
	star := ps.star
	switch p[0] {
	case esc:
		return frameESC(p, star)
	case gs:
		return frameGS(p)
	case fs:
		return frameFS(p)
	case dle:
		return frameDLE(p)
	}
	return frame{hdr: 2, kind: bodyUnknown}, true
}

func frameESC(p []byte, star bool) (frame, bool) {
	c := p[1]
	if star {
		if f, ok, known := frameStar(p); known {
			return f, ok
		}
	}
	switch c {
	case '@', '2', '<', 'L', 'S', ff, 'i', 'm', '4', '5', 'v':
		return fixed(2)
	case ' ', '!', '%', '-', '3', '=', '?', 'E', 'G', 'J', 'K', 'M', 'R', 'T', 'U', 'V',
		'a', 'd', 'e', 'r', 't', 'u', '{':
		return fixed(3)
	case '$', '\\', 'c', 'B':
		return fixed(4)
	case 'p':
		return fixed(5)
	case 'W':
		return fixed(10)
	case '*': // ESC * m nL nH: N dots, 3N bytes in 24-dot modes 32/33
		if len(p) < 5 {
			return need(5)
		}
		n := le16(p, 3)
		if p[2] == 32 || p[2] == 33 {
			n *= 3
		}
		return frame{hdr: 5, kind: bodyCount, n: n}, true
	case '(':
		return frameParen(p)
	case '&': // ESC & y c1 c2, then c2-c1+1 glyphs of 1 + y*x bytes
		if len(p) < 5 {
			return need(5)
		}
		count := int64(p[4]) - int64(p[3]) + 1
		if count < 0 {
			count = 0
		}
		return frame{hdr: 5, kind: bodyGlyphs, n: count, y: int(p[2])}, true
	case 'D': // tab stops n1..nk NUL, k <= 32
		return frame{hdr: 2, kind: bodyNUL, n: 32}, true
	}
	return frame{hdr: 2, kind: bodyUnknown}, true
}

// frameStar frames the Star Line Mode commands that differ from ESC/POS
// (Star Line Mode Command Specifications). known is false for the rest.
func frameStar(p []byte) (f frame, done, known bool) {
	switch p[1] {
	case 'i': // character expansion n1 n2
		return frame{hdr: 4}, true, true
	case 'W', 'h', 'C', 'Q', 'l', 'z': // expansion, page length, margins, line feed
		return frame{hdr: 3}, true, true
	case 'E', 'F', '4', '5', '0', so, dc4: // bold on/off, highlight on/off, 1/8" feed, double height on/off
		return frame{hdr: 2}, true, true
	case bel: // ESC BEL n1 n2: drawer pulse widths
		return frame{hdr: 4}, true, true
	case 'b': // ESC b n1 n2 n3 n4 d... RS: barcode
		if len(p) < 6 {
			return frame{hdr: 6}, false, true
		}
		return frame{hdr: 6, kind: bodyNUL, term: rs, n: 255, capture: maxPayload}, true, true
	case gs: // ESC GS t n, ESC GS a n, ESC GS A / R n1 n2, ESC GS y ...
		if len(p) < 3 {
			return frame{hdr: 3}, false, true
		}
		switch p[2] {
		case 't', 'a':
			return frame{hdr: 4}, true, true
		case 'A', 'R': // absolute / relative position n1 n2
			return frame{hdr: 5}, true, true
		case 'y': // QR: ESC GS y S c n, ESC GS y D 1 m nL nH d, ESC GS y P
			if len(p) < 4 {
				return frame{hdr: 4}, false, true
			}
			switch p[3] {
			case 'S':
				return frame{hdr: 6}, true, true
			case 'D':
				if len(p) < 8 {
					return frame{hdr: 8}, false, true
				}
				return frame{hdr: 8, kind: bodyCount, n: le16(p, 6), capture: maxPayload}, true, true
			case 'P':
				return frame{hdr: 4}, true, true
			}
		}
	}
	return frame{}, false, false
}

// frameParen frames the "X ( c pL pH ..." families of ESC, GS and FS. The
// body is always peeked: GS ( L and GS ( k decide on their function byte.
func frameParen(p []byte) (frame, bool) {
	if len(p) < 5 {
		return need(5)
	}
	n := le16(p, 3)
	f := frame{hdr: 5, kind: bodyCount, n: n, capture: peekLen}
	if p[0] == gs && p[2] == 'k' {
		f.capture = maxPayload // 2D code data (Options.Detail)
	}
	return f, true
}

func frameGS(p []byte) (frame, bool) {
	switch p[1] {
	case '!', 'B', 'b', 'H', 'h', 'w', 'f', 'a', 'r', 'I', 'E', 'T', '/', 'j':
		return fixed(3)
	case ':':
		return fixed(2)
	case 'L', 'W', '$', '\\', 'P':
		return fixed(4)
	case '^':
		return fixed(5)
	case 'V': // GS V m, or GS V m n for feed-and-cut modes
		if len(p) < 3 {
			return need(3)
		}
		switch p[2] {
		case 65, 66, 97, 98, 103, 104:
			return fixed(4)
		}
		return fixed(3)
	case 'v': // GS v 0 m xL xH yL yH, x*y bytes
		if len(p) < 8 {
			return need(8)
		}
		return frame{hdr: 8, kind: bodyCount, n: le16(p, 4) * le16(p, 6)}, true
	case '(':
		return frameParen(p)
	case '8': // GS 8 L p1 p2 p3 p4, 32-bit length
		if len(p) < 7 {
			return need(7)
		}
		n := int64(p[3]) | int64(p[4])<<8 | int64(p[5])<<16 | int64(p[6])<<24
		return frame{hdr: 7, kind: bodyCount, n: n, capture: peekLen}, true
	case 'k': // function A: m 0..6 data NUL; function B: m 65.. n data
		if len(p) < 3 {
			return need(3)
		}
		if p[2] < 65 {
			return frame{hdr: 3, kind: bodyNUL, n: 255, capture: maxPayload}, true
		}
		if len(p) < 4 {
			return need(4)
		}
		return frame{hdr: 4, kind: bodyCount, n: int64(p[3]), capture: maxPayload}, true
	case '*': // GS * x y: downloaded bit image, x*y*8 bytes
		if len(p) < 4 {
			return need(4)
		}
		return frame{hdr: 4, kind: bodyCount, n: int64(p[2]) * int64(p[3]) * 8}, true
	}
	return frame{hdr: 2, kind: bodyUnknown}, true
}

func frameFS(p []byte) (frame, bool) {
	switch p[1] {
	case '&', '.':
		return fixed(2)
	case '!', '-', 'C', 'W':
		return fixed(3)
	case 'S', '?', 'p':
		return fixed(4)
	case '2': // FS 2 c1 c2 + 72 bytes of a 24x24 user Kanji
		return frame{hdr: 4, kind: bodyCount, n: 72}, true
	case 'q': // FS q n: define n NV bit images (obsolete; a logo, never text)
		if len(p) < 3 {
			return need(3)
		}
		return frame{hdr: 3, kind: bodyNV, n: int64(p[2])}, true
	case '(':
		return frameParen(p)
	}
	return frame{hdr: 2, kind: bodyUnknown}, true
}

// frameDLE frames the real-time commands. A DLE followed by anything else
// is a one-byte control; the caller reprocesses the second byte.
func frameDLE(p []byte) (frame, bool) {
	switch p[1] {
	case eot:
		if len(p) < 3 {
			return need(3)
		}
		switch p[2] {
		case 7, 8, 18:
			return fixed(4)
		}
		return fixed(3)
	case enq:
		return fixed(3)
	case dc4:
		if len(p) < 3 {
			return need(3)
		}
		switch p[2] {
		case 1, 2:
			return fixed(5)
		case 3:
			return fixed(8)
		case 7:
			return fixed(4)
		case 8:
			return fixed(10)
		}
		return fixed(3)
	}
	return fixed(1)
}
