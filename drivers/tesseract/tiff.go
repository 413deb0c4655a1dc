package tesseract

import (
	"encoding/binary"
	"image"
)

// writeTIFF encodes grey images as one multi-page TIFF (uncompressed, 8
// bits, little endian) with a resolution of dpi. Tesseract reads such a
// file from standard input page after page, so one run reads many line
// images without temporary files (golang.org/x/image/tiff writes one
// page only).
func writeTIFF(pages []*image.Gray, dpi int) []byte {
	const entries = 11
	le := binary.LittleEndian
	size := 8
	for _, p := range pages {
		size += p.Rect.Dx()*p.Rect.Dy() + 2 + entries*12 + 4 + 8
	}
	out := make([]byte, 8, size)
	copy(out, "II*\x00")
	next := 4 // where the offset of the next IFD goes
	for _, p := range pages {
		w, h := p.Rect.Dx(), p.Rect.Dy()
		pix := len(out)
		for y := 0; y < h; y++ {
			i := p.PixOffset(p.Rect.Min.X, p.Rect.Min.Y+y)
			out = append(out, p.Pix[i:i+w]...)
		}
		if len(out)%2 == 1 {
			out = append(out, 0) // IFDs start on a word boundary
		}
		res := len(out)
		out = le.AppendUint32(out, uint32(dpi))
		out = le.AppendUint32(out, 1)
		ifd := len(out)
		le.PutUint32(out[next:], uint32(ifd))
		out = le.AppendUint16(out, entries)
		tag := func(id, typ uint16, val uint32) {
			out = le.AppendUint16(out, id)
			out = le.AppendUint16(out, typ)
			out = le.AppendUint32(out, 1)
			if typ == 3 { // SHORT, left-justified in the value field
				out = le.AppendUint16(out, uint16(val))
				out = le.AppendUint16(out, 0)
				return
			}
			out = le.AppendUint32(out, val)
		}
		const short, long, rational = 3, 4, 5
		tag(256, long, uint32(w))       // ImageWidth
		tag(257, long, uint32(h))       // ImageLength
		tag(258, short, 8)              // BitsPerSample
		tag(259, short, 1)              // Compression: none
		tag(262, short, 1)              // PhotometricInterpretation: BlackIsZero
		tag(273, long, uint32(pix))     // StripOffsets
		tag(277, short, 1)              // SamplesPerPixel
		tag(278, long, uint32(h))       // RowsPerStrip
		tag(279, long, uint32(w*h))     // StripByteCounts
		tag(282, rational, uint32(res)) // XResolution
		tag(283, rational, uint32(res)) // YResolution
		next = len(out)
		out = le.AppendUint32(out, 0) // no next IFD (yet)
	}
	return out
}
