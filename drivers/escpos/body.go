package escpos

import "strings"

// execBody applies a command whose body was captured (see frame.capture):
// GS ( L / GS 8 L graphics functions, GS ( k 2D codes, GS k barcodes, the
// beeper, Star Line Mode barcodes and QR data. hdr is the header, body the
// captured bytes (bounded), at the command's offset.
func (d *Decoder) execBody(hdr, body []byte, at int64, truncated bool) {
	switch {
	case hdr[0] == gs && (hdr[1] == '(' || hdr[1] == '8') && hdr[2] == 'L':
		d.graphicsFunction(hdr, body, at, truncated)
	case hdr[0] == gs && hdr[1] == '(' && hdr[2] == 'k':
		d.symbol2D(body, at, truncated)
	case hdr[0] == gs && hdr[1] == '(' && hdr[2] == 'A':
		d.graphics()
		d.item(Item{Offset: at, Kind: KindImage, Command: "GS ( A", Note: "test print", Truncated: truncated})
	case hdr[0] == gs && hdr[1] == '(' && hdr[2] == 'H' && len(body) >= 2 && body[0] == 48:
		d.askProof()
		d.item(Item{Offset: at, Kind: KindStatusRequest, Command: "GS ( H 48", Note: "print completion (process id " + safeASCII(body[2:]) + ")"})
	case hdr[0] == esc && hdr[1] == '(' && hdr[2] == 'A':
		d.item(Item{Offset: at, Kind: KindBeep, Command: "ESC ( A"})
	case hdr[0] == gs && hdr[1] == 'k':
		d.barcode(hdr, body, at, truncated)
	case hdr[0] == esc && hdr[1] == 'b': // Star ESC b n1 n2 n3 n4 d RS
		d.item(Item{Offset: at, Kind: KindBarcode, Command: "ESC b", Symbology: starBarcode(hdr[2]), Data: string(body), Truncated: truncated})
	case hdr[0] == esc && hdr[1] == gs && hdr[2] == 'y': // Star ESC GS y D 1: QR data
		d.store2D("QR", string(body), truncated)
	}
}

// graphicsFunction handles GS ( L and GS 8 L: m fn ... in the body.
func (d *Decoder) graphicsFunction(hdr, body []byte, at int64, truncated bool) {
	if len(body) < 2 {
		return
	}
	cmd := "GS ( L"
	if hdr[1] == '8' {
		cmd = "GS 8 L"
	}
	switch fn := body[1]; fn {
	case 112, 113: // raster / column data stored in the graphics buffer (streamed, see startStored)
		d.graphics()
	case 50: // print the buffered graphics
		d.printStored(cmd)
	case 69, 85: // print NV / download graphics kc1 kc2 x y
		note := "NV graphics"
		if fn == 85 {
			note = "download graphics"
		}
		if len(body) >= 4 {
			note += " " + safeASCII(body[2:4])
		}
		d.logo(cmd, note)
	}
}

// symbol2D handles GS ( k: cn fn ... in the body.
func (d *Decoder) symbol2D(body []byte, at int64, truncated bool) {
	if len(body) < 2 {
		return
	}
	if body[0] < 48 || body[0] > 54 {
		return
	}
	name := [...]string{"PDF417", "QR", "MaxiCode", "GS1 DataBar", "Composite", "Aztec", "DataMatrix"}[body[0]-48]
	switch body[1] {
	case 80: // store data: m (and a type byte for DataBar / Composite) then data
		skip := 3
		if body[0] == 51 || body[0] == 52 {
			skip = 4
		}
		data := ""
		if len(body) > skip {
			data = string(body[skip:])
		}
		d.store2D(name, data, truncated)
	case 81: // print the stored symbol
		d.graphics()
		d.item(Item{Offset: at, Kind: Kind2D, Command: "GS ( k", Symbology: name, Data: d.det.sym[name], Truncated: d.det.symCut[name]})
	}
}

// store2D remembers a 2D code's data until it is printed.
func (d *Decoder) store2D(name, data string, truncated bool) {
	if !d.opts.Detail {
		return
	}
	if d.det.sym == nil {
		d.det.sym, d.det.symCut = map[string]string{}, map[string]bool{}
	}
	d.det.sym[name], d.det.symCut[name] = data, truncated
}

// barcode handles GS k function A (m 0..6, data NUL) and B (m 65.., n data).
func (d *Decoder) barcode(hdr, body []byte, at int64, truncated bool) {
	m := hdr[2]
	names := []string{"UPC-A", "UPC-E", "EAN13", "EAN8", "CODE39", "ITF", "CODABAR",
		"CODE93", "CODE128", "GS1-128", "GS1 DataBar Omnidirectional", "GS1 DataBar Truncated",
		"GS1 DataBar Limited", "GS1 DataBar Expanded", "CODE128 auto"}
	k := int(m)
	if m >= 65 {
		k = int(m) - 65
	}
	name := "barcode " + itoa(m)
	if k < len(names) && (m <= 6 || m >= 65) {
		name = names[k]
	}
	data := string(body)
	if m == 73 || m == 74 {
		data = code128Text(body)
	}
	d.item(Item{Offset: at, Kind: KindBarcode, Command: "GS k", Symbology: name, Data: data, Truncated: truncated})
}

// code128Text renders GS k CODE128 data: "{A", "{B", "{C" select a code
// set (in C each byte is two digits), "{1".."{4" are FNC codes (dropped),
// "{{" is "{".
func code128Text(b []byte) string {
	var out strings.Builder
	setC := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '{' && i+1 < len(b) {
			i++
			switch b[i] {
			case 'C':
				setC = true
			case 'A', 'B':
				setC = false
			case '{':
				out.WriteByte('{')
			}
			continue
		}
		if setC {
			if c < 100 {
				out.WriteByte('0' + c/10)
				out.WriteByte('0' + c%10)
			}
			continue
		}
		out.WriteByte(c)
	}
	return out.String()
}

// starBarcode names Star Line Mode's ESC b n1.
func starBarcode(n byte) string {
	names := []string{"UPC-E", "UPC-A", "EAN8", "EAN13", "CODE39", "ITF", "CODE128", "CODE93", "CODABAR"}
	if n >= '0' {
		n -= '0'
	}
	if int(n) < len(names) {
		return names[n]
	}
	return "barcode " + itoa(n)
}

// safeASCII shows printable ASCII bytes, others as '.'.
func safeASCII(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 0x20 && c < 0x7F {
			out[i] = c
		} else {
			out[i] = '.'
		}
	}
	return string(out)
}
