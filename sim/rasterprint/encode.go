package rasterprint

import (
	"bytes"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// Mode is how a page image is sent to the printer.
type Mode string

// Modes a driver uses.
const (
	// GSv0 sends GS v 0 raster commands of at most 255 rows each (the
	// Epson APD and most clone drivers).
	GSv0 Mode = "gsv0"
	// ESCStar sends 24-dot double-density ESC * bands with the line
	// spacing set to 24 dots (older drivers, Android apps).
	ESCStar Mode = "escstar"
)

// Encode returns the print stream of a page image of width dots: ESC @,
// the image, a feed and a full cut.
func Encode(b *raster.Bitmap, width int, mode Mode) []byte {
	var out bytes.Buffer
	out.WriteString("\x1b@")
	switch mode {
	case ESCStar:
		encodeBands(&out, b, width)
	default:
		encodeRaster(&out, b, width)
	}
	out.WriteString("\x1bd\x03\x1dV\x00")
	return out.Bytes()
}

func encodeRaster(out *bytes.Buffer, b *raster.Bitmap, width int) {
	xb := (width + 7) / 8
	for y0 := 0; y0 < b.H; y0 += 255 {
		rows := min(255, b.H-y0)
		out.Write([]byte{0x1d, 'v', '0', 0, byte(xb), byte(xb >> 8), byte(rows), byte(rows >> 8)})
		for y := y0; y < y0+rows; y++ {
			row := make([]byte, xb)
			copy(row, b.Row(y))
			out.Write(row)
		}
	}
}

func encodeBands(out *bytes.Buffer, b *raster.Bitmap, width int) {
	out.WriteString("\x1b3\x18")
	for y0 := 0; y0 < b.H; y0 += 24 {
		out.Write([]byte{0x1b, '*', 33, byte(width), byte(width >> 8)})
		for x := 0; x < width; x++ {
			for k := 0; k < 3; k++ {
				var v byte
				for bit := 0; bit < 8; bit++ {
					if b.At(x, y0+k*8+bit) {
						v |= 0x80 >> bit
					}
				}
				out.WriteByte(v)
			}
		}
		out.WriteByte('\n')
	}
	out.WriteString("\x1b2")
}
