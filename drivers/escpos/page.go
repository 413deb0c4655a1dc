package escpos

import "github.com/tillwatch/tillwatch/drivers"

// pageState is ESC/POS page mode (ESC L): lines are composed in a page
// buffer and print only at FF (print and back to standard mode) or ESC FF
// (print and stay). ESC S, CAN and ESC @ throw the page away, and so does
// the end of the job before it was printed. Images in page mode are drawn
// on a page image at the print area (ESC W) and position (ESC $, GS $).
type pageState struct {
	on    bool
	lines []drivers.Line
	items []Item
	ras   rasterPos // the page image
	areaX int       // print area origin (ESC W), dots
	areaY int
	x     int // horizontal position in the area (ESC $), dots
}

// printPage moves the page's lines, then what its image shows, into the
// job.
func (d *Decoder) printPage() {
	lines, items := d.page.lines, d.page.items
	d.page.lines, d.page.items = nil, nil
	img := d.page.ras
	d.page.ras = rasterPos{}
	if len(lines) == 0 && img.seg == nil {
		return
	}
	d.openJob()
	for _, l := range lines {
		d.jobLine(l)
	}
	for _, it := range items {
		if len(d.job.items) < maxItems {
			d.job.items = append(d.job.items, it)
		}
	}
	if img.seg != nil {
		d.endBand(&img)
		d.recognise(&img)
	}
}

// cancelPage throws the page away, with the line in progress.
func (d *Decoder) cancelPage() {
	if d.text.started || len(d.text.run) > 0 {
		d.text.discardLine(d)
	}
	d.stats.PageDiscarded += len(d.page.lines)
	d.page.lines, d.page.items = nil, nil
	d.page.ras = rasterPos{}
}
