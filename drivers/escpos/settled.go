package escpos

import "github.com/tillwatch/tillwatch/drivers"

var _ drivers.Settler = (*Decoder)(nil)

// Settled implements drivers.Settler: no job is open or held, no command
// or image is cut in the middle, no page is being composed and no status
// request or answer is waiting for its other half.
func (d *Decoder) Settled() bool {
	return d.job == nil && d.held == nil &&
		d.cmdLen == 0 && d.skip == 0 && !d.inNUL && d.glyphs == 0 && d.nv == 0 && !d.body.open &&
		!d.page.on && len(d.page.lines) == 0 &&
		len(d.st.eot) == 0 && len(d.st.buf) == 0 && len(d.st.early) == 0 &&
		d.st.asbLen == 0 && !d.st.block
}
