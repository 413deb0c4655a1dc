package zvt

import "github.com/tillwatch/tillwatch/drivers"

var _ drivers.Settler = (*Decoder)(nil)

// Settled implements drivers.Settler: no partial message in either
// direction, no register command waiting for its completion, no result
// held for its slip and no slip being collected.
func (d *Decoder) Settled() bool {
	s := &d.sess
	return len(d.in[0].buf) == 0 && len(d.in[1].buf) == 0 &&
		s.cmd == 0 && s.req == nil && s.approved == nil &&
		s.held == nil && len(s.lines) == 0 && s.recent == nil
}
