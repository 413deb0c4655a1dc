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
	xof = 0x13
	esc = 0x1B
	fs  = 0x1C
	gs  = 0x1D
)

// bodyKind says how the bytes after a command's fixed header are framed.
type bodyKind uint8

const (
	bodyNone    bodyKind = iota
	bodyCount            // exactly n bytes
	bodyNUL              // bytes up to and including NUL, at most n data bytes
	bodyGlyphs           // ESC &: n glyphs, each x then y*x bytes
	bodyUnknown          // not a command: skip 2 bytes and count
)

// frame is the shape of one command: its header length and its body.
type frame struct {
	hdr  int      // total header length including the prefix
	kind bodyKind // how the body is framed
	n    int64    // body length (bodyCount), NUL bound (bodyNUL), glyph count (bodyGlyphs)
	y    int      // glyph height in bytes (bodyGlyphs)
}

// need returns a frame that asks for n header bytes before deciding.
func need(n int) (frame, bool) { return frame{hdr: n}, false }

// fixed returns a complete frame of n header bytes and no body.
func fixed(n int) (frame, bool) { return frame{hdr: n}, true }

// le16 reads a 16-bit little-endian length at p[i].
func le16(p []byte, i int) int64 { return int64(p[i]) | int64(p[i+1])<<8 }

// frameOf decides the shape of the command starting with p (p[0] is ESC,
// GS, FS or DLE and len(p) >= 2). When done is false, the caller must
// collect f.hdr bytes and ask again. It implements ESCPOS.md section 1,
// every row.
func frameOf(p []byte, star bool) (f frame, done bool) {
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
	return fixed(1)
}

func frameESC(p []byte, star bool) (frame, bool) {
	c := p[1]
	if star {
		switch c {
		case 'i': // character expansion n1 n2
			return fixed(4)
		case 'W', 'h': // width / height expansion n
			return fixed(3)
		case 'E', 'F', '4', '5': // bold on/off, italic on/off
			return fixed(2)
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

// frameParen frames the "X ( c pL pH ..." families of ESC, GS and FS.
func frameParen(p []byte) (frame, bool) {
	if len(p) < 5 {
		return need(5)
	}
	n := le16(p, 3)
	return frame{hdr: 5, kind: bodyCount, n: n}, true
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
		return frame{hdr: 7, kind: bodyCount, n: n}, true
	case 'k': // function A: m 0..6 data NUL; function B: m 65.. n data
		if len(p) < 3 {
			return need(3)
		}
		if p[2] < 65 {
			return frame{hdr: 3, kind: bodyNUL, n: 255}, true
		}
		if len(p) < 4 {
			return need(4)
		}
		return frame{hdr: 4, kind: bodyCount, n: int64(p[3])}, true
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
