package escpos

import "github.com/tillwatch/tillwatch/drivers"

// Item kinds.
const (
	KindLine          = "line"
	KindImage         = "image"
	KindLogo          = "logo"
	KindBarcode       = "barcode"
	Kind2D            = "2d"
	KindCut           = "cut"
	KindDrawerKick    = "drawer_kick"
	KindStatusRequest = "status_request"
	KindBeep          = "beep"
	KindUnknown       = "unknown"
)

// maxItems bounds the items one receipt (or one run outside receipts)
// keeps; later ones are counted in Stats.Truncated.
const maxItems = 4 * MaxLines

// Item is one thing the print stream did, in stream order (Options.Detail):
// a printed line, an image placeholder with its size, a barcode or 2D code
// with its payload, a cut, a drawer kick, a status request, an unknown
// command. Card numbers in text and payloads are masked.
type Item struct {
	// Offset is the host-stream byte offset of the item's first byte.
	Offset int64 `json:"offset"`
	// Kind is one of the Kind constants.
	Kind string `json:"kind"`
	// Line is the printed line (KindLine): text and style.
	*drivers.Line
	// MarginDots and AreaDots are a line's left margin (GS L) and print
	// area width (GS W) in dots, where the stream set them (standard
	// mode): the line is placed, and justified (ESC a), within that area.
	MarginDots int `json:"margin_dots,omitempty"`
	AreaDots   int `json:"area_dots,omitempty"`
	// Command names the command ("GS v 0", "DLE EOT 1", "GS ( k").
	Command string `json:"command,omitempty"`
	// Symbology of a barcode ("CODE39", "EAN13", ...) or 2D code ("QR",
	// "PDF417", ...).
	Symbology string `json:"symbology,omitempty"`
	// Data is a barcode or 2D code payload.
	Data string `json:"data,omitempty"`
	// Width and Height are an image's size in dots, when the command says.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// Bytes are an unknown command's two bytes in hex ("1B 71").
	Bytes string `json:"bytes,omitempty"`
	// Note adds what the command says beyond its name ("partial", "pin 2").
	Note string `json:"note,omitempty"`
	// Truncated says the item's data ran past the end of input.
	Truncated bool `json:"truncated,omitempty"`
}

// Detail is one receipt the decoder returned, with its items; or, when
// Receipt is nil, items seen outside any receipt (status polling between
// jobs, a kick with no job).
type Detail struct {
	Receipt *drivers.Receipt
	Items   []Item
}

// detailState collects items when Options.Detail is set.
type detailState struct {
	loose   []Item   // items outside any job
	held    []Item   // items of the held cut receipt
	out     []Detail // ready for TakeDetails
	sym     map[string]string
	symCut  map[string]bool
	dropped int
}

// TakeDetails returns, in stream order, each receipt returned since the
// last call with its items, and runs of items outside receipts; it forgets
// them. It returns nothing unless Options.Detail is set. Call it after
// Feed, Flush or FlushAll: details pile up until taken.
func (d *Decoder) TakeDetails() []Detail {
	d.flushLoose()
	out := d.det.out
	d.det.out = nil
	return out
}

// item records an item on the open job, the held receipt or outside.
func (d *Decoder) item(it Item) {
	if !d.opts.Detail {
		return
	}
	var list *[]Item
	switch {
	case d.job != nil:
		list = &d.job.items
	case d.held != nil:
		list = &d.det.held
	default:
		list = &d.det.loose
	}
	if len(*list) >= maxItems {
		d.stats.Truncated++
		return
	}
	if it.Data != "" {
		it.Data = maskPANs(it.Data)
	}
	*list = append(*list, it)
}

// flushLoose moves items seen outside jobs to the output.
func (d *Decoder) flushLoose() {
	if len(d.det.loose) > 0 {
		d.det.out = append(d.det.out, Detail{Items: d.det.loose})
		d.det.loose = nil
	}
}

// detailFor files the items of a receipt being returned.
func (d *Decoder) detailFor(r *drivers.Receipt, items []Item) {
	if !d.opts.Detail {
		return
	}
	d.det.out = append(d.det.out, Detail{Receipt: r, Items: items})
}
